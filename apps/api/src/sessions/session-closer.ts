import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ClosedDayView, OrderCommand } from '@bolsa/contracts';
import { recordAdminAction } from '../admin/admin-actions.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { SqlPool } from '../database/sql-pool.js';
import { CommandPublisher } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { endOfDayCommand } from '../orders/engine-commands.js';
import { repeatEvery, SingleFlight } from '../scheduling/background.js';
import { closingInstant, lastClosedDay, localTime } from './trading-clock.js';

/** How often the process that stores engine events looks at the clock. */
const CHECK_EVERY_MS = 30_000;

/**
 * Closes the trading day: an `end_of_day` command per symbol, carrying the closing instant, so the engine expires
 * the DAY orders recorded until then. The process that stores engine events does it once the configured closing
 * time has passed (once per day: the day is recorded in `market_sessions` first, and taken out again if Kafka
 * would not take the commands), however late that is: DAY orders recorded after the close (nothing ran to close
 * it in time) are the next day's, and stay. An admin can close the day at any time, at that moment.
 */
@Injectable()
export class SessionCloser implements OnApplicationBootstrap, OnModuleDestroy {
  private stopTimer = () => {};
  private readonly closes = new SingleFlight<ClosedDayView | null>();

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(CommandPublisher) private readonly publisher: CommandPublisher,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.consumeEvents || this.config.marketClose === null) return;
    this.stopTimer = repeatEvery(CHECK_EVERY_MS, () => void this.tick());
    void this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopTimer();
    await this.closes.settled();
  }

  /**
   * Closes the latest day whose closing time has passed at `now`, unless it is closed already; what it closed, if
   * anything. Never overlaps.
   */
  tick(now = new Date()): Promise<ClosedDayView | null> {
    const close = this.config.marketClose;
    if (close === null) return Promise.resolve(null);
    const day = lastClosedDay(now, close);
    return this.closes.run(() =>
      this.closeOnce(day, closingInstant(day, close)).catch((error: unknown) => {
        this.logger.pino.warn({ err: error, tradingDay: day }, 'trading day not closed; trying again shortly');
        return null;
      }),
    );
  }

  /**
   * An admin's close: today's trading day (local to the exchange), now, even if it was closed before. When the
   * engine cannot be told (503), the close is undone as far as it was new: a day it opened stays open for the
   * clock's close, and the administrators' log does not keep it.
   */
  async closeNow(adminId: string, traceId: string): Promise<ClosedDayView> {
    const tradingDay = localTime(new Date(), this.config.marketTimeZone).day;
    const opened = await this.sql.transaction(async (tx) => {
      const { rows } = await tx.query<{ inserted: boolean }>(
        `INSERT INTO market_sessions (trading_day, trace_id) VALUES ($1, $2)
         ON CONFLICT (trading_day) DO UPDATE SET closed_at = now(), trace_id = $2
         RETURNING (xmax = 0) AS inserted`,
        [tradingDay, traceId],
      );
      await recordAdminAction(tx, { action: 'end_of_day', adminId, traceId });
      return rows[0]?.inserted === true;
    });
    // Every DAY order recorded so far: no cut-off to compare with clocks of other processes.
    return this.sendOrUndo(tradingDay, traceId, null, opened, (command) => this.publisher.deliver(command));
  }

  private async closeOnce(tradingDay: string, closedAt: Date): Promise<ClosedDayView | null> {
    const { rows: done } = await this.sql.query('SELECT 1 FROM market_sessions WHERE trading_day = $1', [tradingDay]);
    if (done.length > 0) return null;
    const traceId = randomUUID().replaceAll('-', '');
    const recorded = await this.sql.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        'INSERT INTO market_sessions (trading_day, trace_id) VALUES ($1, $2) ON CONFLICT (trading_day) DO NOTHING',
        [tradingDay, traceId],
      );
      if (rowCount === 0) return false;
      // In the administrators' log too, with no author: the exchange's clock closed it.
      await recordAdminAction(tx, { action: 'end_of_day', adminId: null, traceId });
      return true;
    });
    if (!recorded) return null;
    return this.sendOrUndo(tradingDay, traceId, closedAt, true, (command) => this.publisher.publish(command));
  }

  /**
   * Sends the close; if it does not go, takes its line out of the administrators' log, and the day's row too when
   * this close made it (`opened`), so that the day is closed at the next look.
   */
  private async sendOrUndo(
    tradingDay: string,
    traceId: string,
    closedAt: Date | null,
    opened: boolean,
    publish: (command: OrderCommand) => Promise<void>,
  ): Promise<ClosedDayView> {
    const symbols = this.config.instruments.map((instrument) => instrument.symbol);
    try {
      await Promise.all(symbols.map((symbol) => publish(endOfDayCommand(symbol, traceId, closedAt))));
    } catch (error) {
      await this.sql.transaction(async (tx) => {
        if (opened) {
          await tx.query('DELETE FROM market_sessions WHERE trading_day = $1 AND trace_id = $2', [tradingDay, traceId]);
        }
        await tx.query("DELETE FROM admin_actions WHERE action = 'end_of_day' AND trace_id = $1", [traceId]);
      });
      throw error;
    }
    this.logger.pino.info(
      { traceId, tradingDay, symbols, closedAt: closedAt?.toISOString() ?? 'now' },
      'trading day closed: DAY orders recorded until then expire',
    );
    return { tradingDay, symbols, traceId };
  }
}
