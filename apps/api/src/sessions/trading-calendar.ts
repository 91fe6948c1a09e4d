import { Inject, Injectable } from '@nestjs/common';
import { aYearOn, WEEKDAYS, type TradingCalendarView, type TradingDayClose } from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { SqlPool } from '../database/sql-pool.js';
import { ClosedDays } from './closed-days.js';
import { MarketHours } from './market-hours.js';
import { closingInstant, isTradingDay, localTime, nextClosingDay, SESSION_CLOSED_AT_SQL } from './trading-clock.js';

const pad = (value: number) => String(value).padStart(2, '0');
/** 0 for Sunday to 6 for Saturday. */
const weekdayOf = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();
/** Minutes after midnight as `HH:MM`. */
const timeOfDay = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;

/**
 * The exchange's calendar as its clock keeps it: the trading hours, weekdays and holidays, whether it is open now,
 * the last close recorded (where the tickers' session begins) and the next close the clock will make.
 */
@Injectable()
export class TradingCalendar {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(MarketHours) private readonly hours: MarketHours,
    @Inject(ClosedDays) private readonly closedDays: ClosedDays,
  ) {}

  async view(now = new Date()): Promise<TradingCalendarView> {
    const { marketClose: close, marketOpen: opening } = this.config;
    const today = localTime(now, this.config.marketTimeZone).day;
    // The closed days read afresh, not as this process last heard: a page asks as soon as a stream (maybe another
    // process's) says a day closed.
    const [{ rows }] = await Promise.all([
      this.sql.query<{ day: string; at: Date }>(
        `SELECT to_char(trading_day, 'YYYY-MM-DD') AS day, ${SESSION_CLOSED_AT_SQL} AS at
           FROM market_sessions WHERE ${SESSION_CLOSED_AT_SQL} <= $1::timestamptz AT TIME ZONE 'UTC'
          ORDER BY 2 DESC LIMIT 1`,
        [now.toISOString()],
      ),
      this.closedDays.refresh(),
    ]);
    const row = rows[0];
    const closedToday = this.closedDays.has(today);
    const lastClose: TradingDayClose | null =
      row === undefined ? null : { tradingDay: row.day, at: row.at.toISOString() };
    const nextDay = close === null ? null : nextClosingDay(now, close, closedToday);
    const auction = this.hours.auction(now);
    return {
      timeZone: this.config.marketTimeZone,
      opensAt: close === null || opening === null ? null : timeOfDay(opening.minute),
      closesAt: close === null ? null : timeOfDay(close.minute),
      open: this.hours.isOpen(now),
      auctionMinutes: close === null || opening === null ? 0 : (opening.preOpeningMinutes ?? 0),
      closingCallMinutes: close === null || opening === null ? 0 : (opening.closingCallMinutes ?? 0),
      reopeningSeconds: this.config.reopeningMs / 1000,
      auction: auction === null ? null : auction.kind,
      auctionEndsAt: auction?.endsAt.toISOString() ?? null,
      closedEarly: closedToday && this.hours.dayNotOver(now),
      nextOpen: this.hours.nextOpen(now)?.toISOString() ?? null,
      weekdays: close === null ? [] : WEEKDAYS.filter((_, index) => close.weekdays.has(index)),
      // Those that close a trading weekday: B3's list has some that fall on a weekend anyway.
      holidays:
        close === null
          ? []
          : [...close.holidays]
              .filter((day) => day >= today && day < aYearOn(today) && close.weekdays.has(weekdayOf(day)))
              .sort(),
      lateOpenings:
        close === null || opening === null
          ? []
          : [...opening.late]
              // One no later than the usual opening changes nothing (see openingMinute).
              .filter(([day, minute]) => minute > opening.minute && day >= today && day < aYearOn(today))
              .filter(([day]) => isTradingDay(day, close))
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([day, minute]) => ({ day, opensAt: timeOfDay(minute) })),
      lastClose,
      nextClose:
        close === null || nextDay === null
          ? null
          : { tradingDay: nextDay, at: closingInstant(nextDay, close).toISOString() },
    };
  }
}
