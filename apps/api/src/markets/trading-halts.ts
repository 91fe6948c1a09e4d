import { Inject, Injectable } from '@nestjs/common';
import type { TradingStatusView } from '@bolsa/contracts';
import { recordAdminAction } from '../admin/admin-actions.js';
import { SqlPool } from '../database/sql-pool.js';
import { ApiError } from '../errors/api-error.js';
import { CommandPublisher } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { marketCommand } from '../orders/engine-commands.js';
import { InstrumentRegistry } from './instrument-registry.js';

/** The refusal of an order or amend in a halted instrument, on the field that names it. */
export function tradingHalted(symbol: string): ApiError {
  return new ApiError('trading_halted', `trading in ${symbol} is halted; cancels are still taken`, {
    fields: [{ field: 'symbol', code: 'trading_halted', message: `symbol ${symbol} is halted` }],
  });
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
   * Halting a halted instrument changes nothing (it stays halted since the first time, and the administrators' log
   * keeps the first halt only); the engine is told again.
   */
  async halt(adminId: string, symbol: string, traceId: string): Promise<TradingStatusView> {
    const { symbol: known } = this.instruments.require(symbol);
    await this.sql.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        'INSERT INTO trading_halts (symbol, trace_id) VALUES ($1, $2) ON CONFLICT (symbol) DO NOTHING',
        [known, traceId],
      );
      if (rowCount === 0) return;
      await recordAdminAction(tx, { action: 'halt', adminId, symbol: known, traceId });
      this.logger.pino.info({ symbol: known, adminId, traceId }, 'trading halted');
    });
    await this.publisher.deliver(marketCommand('halt_trading', known, traceId));
    return this.status(known);
  }

  async resume(adminId: string, symbol: string, traceId: string): Promise<TradingStatusView> {
    const { symbol: known } = this.instruments.require(symbol);
    await this.publisher.deliver(marketCommand('resume_trading', known, traceId));
    await this.sql.transaction(async (tx) => {
      const { rowCount } = await tx.query('DELETE FROM trading_halts WHERE symbol = $1', [known]);
      if (rowCount === 0) return;
      await recordAdminAction(tx, { action: 'resume', adminId, symbol: known, traceId });
      this.logger.pino.info({ symbol: known, adminId, traceId }, 'trading resumed');
    });
    return this.status(known);
  }

  /** Every instrument halted, or resumed, at once (a market-wide circuit breaker); each as `halt` or `resume`. */
  everywhere(action: 'halt' | 'resume', adminId: string, traceId: string): Promise<TradingStatusView[]> {
    return Promise.all(this.instruments.list().map(({ symbol }) => this[action](adminId, symbol, traceId)));
  }

  async status(symbol: string): Promise<TradingStatusView> {
    const { rows } = await this.sql.query<{ halted_at: Date }>(
      'SELECT halted_at FROM trading_halts WHERE symbol = $1',
      [symbol],
    );
    const since = rows[0]?.halted_at ?? null;
    return { symbol, halted: since !== null, since: since?.toISOString() ?? null };
  }

  async refuseIfHalted(symbol: string): Promise<void> {
    if ((await this.status(symbol)).halted) throw tradingHalted(symbol);
  }
}
