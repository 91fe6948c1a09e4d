import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ClosedDayView } from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { utcTimestamp } from '../database/columns.js';
import { SqlPool } from '../database/sql-pool.js';
import { CommandPublisher } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { marketCommand } from '../orders/engine-commands.js';
import { OPEN_STATUSES } from '../orders/order-view.js';
import { closingInstant, lastClosedDay, localTime } from './trading-clock.js';

/** How often the process that stores engine events looks at the clock. */
const CHECK_EVERY_MS = 30_000;
/** A close this long after its time was missed (nothing was running then), not just reached by the next check. */
const LATE_AFTER_MS = 4 * CHECK_EVERY_MS;

/**
 * Closes the trading day: an `end_of_day` command per symbol, so the engine expires every DAY order. The process
 * that stores engine events does it once the configured closing time has passed (once per day: the day is
 * recorded in `market_sessions` first, and taken out again if Kafka would not take the commands); an admin can
 * close the day at any time.
 */
@Injectable()
export class SessionCloser implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<ClosedDayView | null> | null = null;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(CommandPublisher) private readonly publisher: CommandPublisher,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.consumeEvents || this.config.marketClose === null) return;
    this.timer = setInterval(() => void this.tick(), CHECK_EVERY_MS);
    this.timer.unref();
    void this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    await this.running;
  }

  /**
   * Closes the latest day whose closing time has passed at `now`, unless it is closed already; what it closed, if
   * anything. Never overlaps.
   */
  tick(now = new Date()): Promise<ClosedDayView | null> {
    const close = this.config.marketClose;
    if (close === null) return Promise.resolve(null);
    const day = lastClosedDay(now, close);
    const closedAt = closingInstant(day, close);
    this.running ??= this.closeOnce(day, now.getTime() - closedAt.getTime() > LATE_AFTER_MS ? closedAt : null)
      .catch((error: unknown) => {
        this.logger.pino.warn({ err: error, tradingDay: day }, 'trading day not closed; trying again shortly');
        return null;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  /** An admin's close: today's trading day (local to the exchange), now, even if it was closed before. */
  async closeNow(traceId: string): Promise<ClosedDayView> {
    const tradingDay = localTime(new Date(), this.config.marketTimeZone).day;
    await this.sql.query(
      `INSERT INTO market_sessions (trading_day, trace_id) VALUES ($1, $2)
       ON CONFLICT (trading_day) DO UPDATE SET closed_at = now(), trace_id = $2`,
      [tradingDay, traceId],
    );
    return this.send(tradingDay, traceId);
  }

  /** `missedAt`: the closing instant, when the day is being closed late (nothing was running to close it). */
  private async closeOnce(tradingDay: string, missedAt: Date | null): Promise<ClosedDayView | null> {
    const { rows: done } = await this.sql.query('SELECT 1 FROM market_sessions WHERE trading_day = $1', [tradingDay]);
    if (done.length > 0) return null;
    if (missedAt !== null) {
      // Closing late would also expire DAY orders placed since, which are the next day's: only while there are
      // none. Otherwise the next close takes them all.
      const { rows: since } = await this.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders
          WHERE time_in_force = 'DAY' AND status = ANY($1::text[]) AND created_at > $2::timestamp`,
        [OPEN_STATUSES, utcTimestamp(missedAt)],
      );
      if ((since[0]?.n ?? 0) > 0) {
        this.logger.pino.warn({ tradingDay }, 'trading day missed: DAY orders placed since wait for the next close');
        return null;
      }
    }
    const traceId = randomUUID().replaceAll('-', '');
    const { rowCount } = await this.sql.query(
      'INSERT INTO market_sessions (trading_day, trace_id) VALUES ($1, $2) ON CONFLICT (trading_day) DO NOTHING',
      [tradingDay, traceId],
    );
    if (rowCount === 0) return null;
    try {
      return await this.send(tradingDay, traceId);
    } catch (error) {
      await this.sql.query('DELETE FROM market_sessions WHERE trading_day = $1 AND trace_id = $2', [
        tradingDay,
        traceId,
      ]);
      throw error;
    }
  }

  private async send(tradingDay: string, traceId: string): Promise<ClosedDayView> {
    const symbols = this.config.instruments.map((instrument) => instrument.symbol);
    await Promise.all(symbols.map((symbol) => this.publisher.publish(marketCommand('end_of_day', symbol, traceId))));
    this.logger.pino.info({ traceId, tradingDay, symbols }, 'trading day closed: DAY orders expire');
    return { tradingDay, symbols, traceId };
  }
}
