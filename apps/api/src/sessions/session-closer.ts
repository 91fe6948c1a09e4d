import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ClosedDayView, OrderCommand } from '@bolsa/contracts';
import { recordAdminAction } from '../admin/admin-actions.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';
import { SqlPool } from '../database/sql-pool.js';
import { CommandPublisher } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { endOfDayCommand, reopenDayCommand, toEveryBook } from '../orders/engine-commands.js';
import { OneShot, repeatEvery, SingleFlight } from '../scheduling/background.js';
import { ClosedDays } from './closed-days.js';
import { MarketHours } from './market-hours.js';
import { closingInstant, isTradingDay, lastClosedDay, localTime } from './trading-clock.js';

/** How often the process that stores engine events looks at the clock. */
const CHECK_EVERY_MS = 30_000;

/**
 * Closes the trading day: an `end_of_day` command per symbol, carrying the closing instant, so the engine expires
 * the DAY orders recorded until then (after uncrossing the closing call, if the day has one). Within a look of the
 * closing time a timer is set for it, so the close is on time. The process that stores engine events does it once the configured closing
 * time of a trading day (not of a weekend or a holiday: a DAY order of Saturday is Monday's) has passed (once per day: the day is recorded in `market_sessions` first, and taken out again if Kafka
 * would not take the commands), however late that is: DAY orders recorded after the close (nothing ran to close
 * it in time) are the next day's, and stay. An admin can close the day at any time, at that moment.
 *
 * A day that closed before the exchange's first account was opened (the first look of a new installation, at
 * 09:00, finds yesterday's close past) was never traded: the clock leaves it alone rather than close it.
 *
 * A close is marked sent once Kafka has its commands. One recorded and never marked (its process died in between)
 * is sent again at the next look, with the same cut-off: the engine expires DAY orders recorded until a close's
 * instant, so a second copy changes nothing.
 */
@Injectable()
export class SessionCloser implements OnApplicationBootstrap, OnModuleDestroy {
  private stopTimer = () => {};
  /** Set within a look of today's closing time, for the close itself: the closing call's auction ends then. */
  private readonly atClose = new OneShot();
  private readonly closes = new SingleFlight<ClosedDayView | null>();

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(CommandPublisher) private readonly publisher: CommandPublisher,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
    @Inject(ClosedDays) private readonly closedDays: ClosedDays,
    @Inject(MarketHours) private readonly hours: MarketHours,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.consumeEvents || this.config.marketClose === null) return;
    const look = () => {
      this.wakeAtClose(new Date());
      void this.tick();
    };
    this.stopTimer = repeatEvery(CHECK_EVERY_MS, look);
    look();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopTimer();
    this.atClose.cancel();
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
    if (day === null) return Promise.resolve(null);
    return this.closes.run(() =>
      this.closeOnce(day, closingInstant(day, close)).catch((error: unknown) => {
        this.logger.pino.warn({ err: error, tradingDay: day }, 'trading day not closed; trying again shortly');
        return null;
      }),
    );
  }

  /** When today's closing time is less than a look away, a timer for it, so the day closes on time. */
  private wakeAtClose(now: Date): void {
    const close = this.config.marketClose;
    if (close === null || this.atClose.waiting) return;
    const today = localTime(now, close.timeZone).day;
    const wait = closingInstant(today, close).getTime() - now.getTime();
    if (!isTradingDay(today, close) || wait <= 0 || wait > CHECK_EVERY_MS) return;
    this.atClose.in(wait + 10, () => void this.tick());
  }

  /**
   * An admin's close: today's trading day (local to the exchange), now, even if it was closed before; with trading
   * hours, the exchange takes no new orders again until the next trading day opens (see MarketHours). When the
   * engine cannot be told (503), the close is undone as far as it was new: a day it opened stays open for the
   * clock's close, and the administrators' log does not keep it.
   */
  async closeNow(adminId: string, traceId: string): Promise<ClosedDayView> {
    const now = new Date();
    const tradingDay = localTime(now, this.config.marketTimeZone).day;
    const endsTrading = this.config.marketOpen !== null;
    // After the opening, the close ends the day's trading: the closing call, or a reopening, uncrosses at it.
    const endsAuction = endsTrading && this.hours.isOpen(now) && this.hours.auction(now)?.kind !== 'opening';
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
    // This process refuses orders from the answer on; the others as PostgreSQL tells them.
    await this.closedDays.refresh();
    // Every DAY order recorded so far: no cut-off to compare with clocks of other processes.
    const publish = (command: OrderCommand) => this.publisher.deliver(command);
    const closed = await this.sendOrUndo(tradingDay, traceId, null, opened, publish, endsAuction);
    // The books have the close: any reopening call ended with it (uncrossed, or cut short before the opening).
    if (endsTrading) await this.sql.query('DELETE FROM reopening_calls');
    return closed;
  }

  /**
   * Reopens today after an administrator closed it before its closing time (a close made by mistake, before the
   * opening too): new orders and amends are taken again in its hours on every API process, as PostgreSQL tells them. The DAY orders that close expired
   * stay expired, and what was recorded before it and reached the books after it stays refused; the clock closes
   * the day again at its closing time. `409 day_not_closed_early` when today is not closed, or its close has come.
   * The books are told first, as of a resumption: when Kafka cannot take it (503), the day stays closed, and the
   * request can be repeated (a book told twice changes nothing the second time).
   */
  async reopen(adminId: string, traceId: string, now = new Date()): Promise<void> {
    const today = localTime(now, this.config.marketTimeZone).day;
    const refusal = new ApiError(
      'day_not_closed_early',
      `${today} was not closed before its closing time, or that has come: there is nothing to reopen`,
      { tradingDay: today },
    );
    if (!this.hours.dayNotOver(now)) throw refusal;
    const closed = await this.sql.query('SELECT 1 FROM market_sessions WHERE trading_day = $1', [today]);
    if (closed.rowCount === 0) throw refusal;
    await this.tellBooksReopened(today, traceId, now);
    const reopened = await this.sql.transaction(async (tx) => {
      const { rowCount } = await tx.query('DELETE FROM market_sessions WHERE trading_day = $1', [today]);
      if (rowCount === 0) return false;
      await recordAdminAction(tx, { action: 'reopen', adminId, traceId });
      return true;
    });
    if (!reopened) throw refusal;
    await this.closedDays.refresh();
    this.logger.pino.info({ traceId, tradingDay: today, adminId }, 'trading day reopened');
  }

  /**
   * Gives the books back the pre-opening the close cut short: it ends at the day's opening, or at once when that has
   * passed. Throws `unavailable` (503) when Kafka does not take every book's command.
   */
  private async tellBooksReopened(tradingDay: string, traceId: string, now: Date): Promise<void> {
    const opening = this.hours.openingOf(tradingDay);
    const opensAt = opening !== null && opening > now ? opening : null;
    try {
      await toEveryBook(
        this.config.instruments,
        (symbol) => reopenDayCommand(symbol, traceId, tradingDay, opensAt),
        (command) => this.publisher.deliver(command),
      );
    } catch (error) {
      this.logger.pino.warn({ err: error, traceId, tradingDay }, 'the books were not told of the reopened day');
      throw error;
    }
  }

  private async closeOnce(tradingDay: string, closedAt: Date): Promise<ClosedDayView | null> {
    const { rows: done } = await this.sql.query<{ trace_id: string; sent: boolean; until: Date }>(
      `SELECT trace_id, sent_at IS NOT NULL AS sent, COALESCE(closes_until, closed_at) AS until
         FROM market_sessions WHERE trading_day = $1`,
      [tradingDay],
    );
    const known = done[0];
    if (known !== undefined) return known.sent ? null : this.sendAgain(tradingDay, known.trace_id, known.until);
    if (!(await this.openBefore(closedAt))) return null;
    const traceId = randomUUID().replaceAll('-', '');
    const recorded = await this.sql.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `INSERT INTO market_sessions (trading_day, trace_id, closes_until)
         VALUES ($1, $2, $3::timestamptz AT TIME ZONE 'UTC') ON CONFLICT (trading_day) DO NOTHING`,
        [tradingDay, traceId, closedAt.toISOString()],
      );
      if (rowCount === 0) return false;
      // In the administrators' log too, with no author: the exchange's clock closed it.
      await recordAdminAction(tx, { action: 'end_of_day', adminId: null, traceId });
      return true;
    });
    if (!recorded) return null;
    return this.sendOrUndo(tradingDay, traceId, closedAt, true, (command) => this.publisher.publish(command));
  }

  /** Whether the exchange had opened (its first account) before `instant`. */
  private async openBefore(instant: Date): Promise<boolean> {
    const { rows } = await this.sql.query<{ open: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM accounts WHERE created_at < $1::timestamptz AT TIME ZONE 'UTC') AS open`,
      [instant.toISOString()],
    );
    return rows[0]?.open === true;
  }

  /** A close recorded but not known to have been sent: sent again, as it was, until Kafka takes it. */
  private async sendAgain(tradingDay: string, traceId: string, closedAt: Date): Promise<ClosedDayView> {
    this.logger.pino.warn(
      { traceId, tradingDay, closedAt: closedAt.toISOString() },
      'a close of the trading day recorded but not known to be sent: sending it again',
    );
    return this.send(tradingDay, traceId, closedAt, (command) => this.publisher.publish(command));
  }

  /** Publishes the close to every symbol's book, then marks it sent. */
  private async send(
    tradingDay: string,
    traceId: string,
    closedAt: Date | null,
    publish: (command: OrderCommand) => Promise<void>,
    endsAuction = false,
  ): Promise<ClosedDayView> {
    const endsTrading = this.config.marketOpen !== null;
    const symbols = await toEveryBook(
      this.config.instruments,
      (symbol) => endOfDayCommand(symbol, traceId, closedAt, tradingDay, endsTrading, endsAuction),
      publish,
    );
    await this.markSent(tradingDay, traceId);
    return { tradingDay, symbols, traceId };
  }

  /** Should this fail, the close is sent again at the next look, which changes nothing. */
  private async markSent(tradingDay: string, traceId: string): Promise<void> {
    await this.sql
      .query('UPDATE market_sessions SET sent_at = now() WHERE trading_day = $1 AND trace_id = $2', [
        tradingDay,
        traceId,
      ])
      .catch((error: unknown) => this.logger.pino.warn({ err: error, traceId }, 'a sent close not marked sent'));
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
    endsAuction = false,
  ): Promise<ClosedDayView> {
    let closed: ClosedDayView;
    try {
      closed = await this.send(tradingDay, traceId, closedAt, publish, endsAuction);
    } catch (error) {
      await this.sql.transaction(async (tx) => {
        if (opened) {
          await tx.query('DELETE FROM market_sessions WHERE trading_day = $1 AND trace_id = $2', [tradingDay, traceId]);
        }
        await tx.query("DELETE FROM admin_actions WHERE action = 'end_of_day' AND trace_id = $1", [traceId]);
      });
      if (opened) await this.closedDays.refresh().catch(() => undefined);
      throw error;
    }
    this.logger.pino.info(
      { traceId, tradingDay, symbols: closed.symbols, closedAt: closedAt?.toISOString() ?? 'now' },
      'trading day closed: DAY orders recorded until then expire',
    );
    return closed;
  }
}
