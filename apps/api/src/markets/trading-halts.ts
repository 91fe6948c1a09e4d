import { Inject, Injectable } from '@nestjs/common';
import type { TradingStatusView } from '@bolsa/contracts';
import { recordAdminAction } from '../admin/admin-actions.js';
import { SqlPool } from '../database/sql-pool.js';
import { ApiError } from '../errors/api-error.js';
import { CommandPublisher } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { marketCommand } from '../orders/engine-commands.js';
import { MarketHours } from '../sessions/market-hours.js';
import type { Queryable } from '../wallets/ledger.js';
import { InstrumentRegistry } from './instrument-registry.js';
import { ReopeningCalls } from './reopening-calls.js';

/**
 * The refusal of an order or amend in a halted instrument, on the field that names it, and why it is halted (null:
 * the halt has no reason, or was lifted a moment ago).
 */
export function tradingHalted(symbol: string, reason: string | null): ApiError {
  const why = reason === null ? '' : `: ${reason}`;
  return new ApiError('trading_halted', `trading in ${symbol} is halted${why}; cancels are still taken`, {
    reason,
    fields: [{ field: 'symbol', code: 'trading_halted', message: `symbol ${symbol} is halted` }],
  });
}

/** Why the instrument is halted now; null when it is not, or its halt has no reason. */
export async function haltReasonOf(db: Queryable, symbol: string): Promise<string | null> {
  const { rows } = await db.query<{ reason: string | null }>('SELECT reason FROM trading_halts WHERE symbol = $1', [
    symbol,
  ]);
  return rows[0]?.reason ?? null;
}

/**
 * Trading halts: an administrator suspends an instrument and resumes it, in two places. The rows are what
 * `place_orders` checks, so every API process refuses new orders from the halt's commit (amends are checked here
 * before they are sent). The engine is told too (`halt_trading`, `resume_trading`, in the symbol's command order):
 * orders recorded before the halt but sent after it (a slow send, the re-sender) are rejected by the book, which
 * releases their holds. A halt is recorded before the engine is told and a resumption after, so the gateway is
 * never open while the book is halted by this; either request can be repeated if the engine could not be told.
 */
@Injectable()
export class TradingHalts {
  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(InstrumentRegistry) private readonly instruments: InstrumentRegistry,
    @Inject(CommandPublisher) private readonly publisher: CommandPublisher,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
    @Inject(MarketHours) private readonly hours: MarketHours,
    @Inject(ReopeningCalls) private readonly reopenings: ReopeningCalls,
    @Inject(ApiMetrics) metrics: ApiMetrics,
  ) {
    metrics.watchHalts(() => this.statuses());
  }

  /** Every instrument, halted or not. */
  async statuses(): Promise<Map<string, boolean>> {
    const { rows } = await this.sql.query<{ symbol: string }>('SELECT symbol FROM trading_halts');
    const halted = new Set(rows.map((row) => row.symbol));
    return new Map(this.instruments.list().map(({ symbol }) => [symbol, halted.has(symbol)]));
  }

  /**
   * Halting a halted instrument keeps it halted since the first time; a new reason replaces the one traders see (the
   * administrators' log records it as a halt with that reason), and the same reason again changes nothing. The
   * engine is told again either way.
   */
  async halt(adminId: string, symbol: string, reason: string, traceId: string): Promise<TradingStatusView> {
    const { symbol: known } = this.instruments.require(symbol);
    await this.sql.transaction(async (tx) => {
      // A reopening call in progress ends with the halt: the next resumption has its own. A volatility auction does
      // not: the book stays in it while halted, and its end (sent by then or not) uncrosses it once resumed.
      await tx.query(`DELETE FROM reopening_calls WHERE symbol = $1 AND kind = 'reopening'`, [known]);
      const { rows } = await tx.query<{ inserted: boolean }>(
        `INSERT INTO trading_halts (symbol, trace_id, reason) VALUES ($1, $2, $3)
         ON CONFLICT (symbol) DO UPDATE SET reason = EXCLUDED.reason
          WHERE trading_halts.reason IS DISTINCT FROM EXCLUDED.reason
         RETURNING (xmax = 0) AS inserted`,
        [known, traceId, reason],
      );
      const changed = rows[0];
      if (changed === undefined) return;
      await recordAdminAction(tx, { action: 'halt', adminId, symbol: known, reason, traceId });
      const said = changed.inserted ? 'trading halted' : 'reason for the halt changed';
      this.logger.pino.info({ symbol: known, adminId, reason, traceId }, said);
    });
    await this.publisher.deliver(marketCommand('halt_trading', known, traceId));
    return this.status(known);
  }

  /**
   * A halted instrument resumes in a reopening call auction (`MarketHours.reopeningEnd`) when one is set: the book
   * takes orders that rest, and uncrosses at its end (`ReopeningOpener`). Resuming one not halted changes nothing.
   */
  async resume(adminId: string, symbol: string, traceId: string): Promise<TradingStatusView> {
    const { symbol: known } = this.instruments.require(symbol);
    const reopensAt = (await this.status(known)).halted ? this.hours.reopeningEnd() : null;
    await this.publisher.deliver(marketCommand('resume_trading', known, traceId, reopensAt));
    await this.sql.transaction(async (tx) => {
      // Two resumptions at once, or one in a volatility auction: the book's auction ends at the later end, the row's too.
      if (reopensAt !== null) {
        await tx.query(
          `INSERT INTO reopening_calls (symbol, ends_at, trace_id) VALUES ($1, $2, $3) ON CONFLICT (symbol)
           DO UPDATE SET
             kind = CASE WHEN EXCLUDED.ends_at >= reopening_calls.ends_at THEN EXCLUDED.kind ELSE reopening_calls.kind END,
             ends_at = GREATEST(reopening_calls.ends_at, EXCLUDED.ends_at), trace_id = EXCLUDED.trace_id`,
          [known, reopensAt, traceId],
        );
      }
      const { rowCount } = await tx.query('DELETE FROM trading_halts WHERE symbol = $1', [known]);
      if (rowCount === 0) return;
      await recordAdminAction(tx, { action: 'resume', adminId, symbol: known, traceId });
      const reopening = reopensAt === null ? {} : { reopensAt: reopensAt.toISOString() };
      this.logger.pino.info({ symbol: known, adminId, traceId, ...reopening }, 'trading resumed');
    });
    if (reopensAt !== null) await this.reopenings.refresh();
    return this.status(known);
  }

  /** Every instrument halted (for one reason) at once: a market-wide circuit breaker; each as `halt`. */
  haltAll(adminId: string, reason: string, traceId: string): Promise<TradingStatusView[]> {
    return Promise.all(this.instruments.list().map(({ symbol }) => this.halt(adminId, symbol, reason, traceId)));
  }

  /** Every instrument resumed at once; each as `resume`. */
  resumeAll(adminId: string, traceId: string): Promise<TradingStatusView[]> {
    return Promise.all(this.instruments.list().map(({ symbol }) => this.resume(adminId, symbol, traceId)));
  }

  async status(symbol: string): Promise<TradingStatusView> {
    const { rows } = await this.sql.query<{ halted_at: Date | null; reason: string | null; ends_at: Date | null }>(
      `SELECT h.halted_at, h.reason,
              (SELECT ends_at FROM reopening_calls WHERE symbol = $1 AND ends_at > now()) AS ends_at
         FROM (SELECT 1) AS one LEFT JOIN trading_halts h ON h.symbol = $1`,
      [symbol],
    );
    const since = rows[0]?.halted_at ?? null;
    const reopensAt = rows[0]?.ends_at ?? null;
    return {
      symbol,
      halted: since !== null,
      since: since?.toISOString() ?? null,
      reason: rows[0]?.reason ?? null,
      reopensAt: reopensAt?.toISOString() ?? null,
    };
  }

  async refuseIfHalted(symbol: string): Promise<void> {
    const { halted, reason } = await this.status(symbol);
    if (halted) throw tradingHalted(symbol, reason);
  }
}
