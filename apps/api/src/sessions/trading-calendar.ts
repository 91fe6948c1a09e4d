import { Inject, Injectable } from '@nestjs/common';
import { WEEKDAYS, type TradingCalendarView, type TradingDayClose } from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { SqlPool } from '../database/sql-pool.js';
import { MarketHours } from './market-hours.js';
import {
  aYearOn,
  closingInstant,
  isTradingDay,
  isTradingHours,
  localTime,
  nextClosingDay,
  openingMinute,
  SESSION_CLOSED_AT_SQL,
} from './trading-clock.js';

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
  ) {}

  async view(now = new Date()): Promise<TradingCalendarView> {
    const { marketClose: close, marketOpen: opening } = this.config;
    const today = localTime(now, this.config.marketTimeZone).day;
    const { rows } = await this.sql.query<{ day: string | null; at: Date | null; closed_today: boolean }>(
      `SELECT last.day, last.at, EXISTS (SELECT 1 FROM market_sessions WHERE trading_day = $2::date) AS closed_today
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (
           SELECT to_char(trading_day, 'YYYY-MM-DD') AS day, ${SESSION_CLOSED_AT_SQL} AS at
             FROM market_sessions WHERE ${SESSION_CLOSED_AT_SQL} <= $1::timestamptz AT TIME ZONE 'UTC'
            ORDER BY 2 DESC LIMIT 1) AS last ON true`,
      [now.toISOString(), today],
    );
    const row = rows[0];
    // Read here, not only from this process's list: a page asks as soon as another process's stream says it closed.
    const closedToday = row?.closed_today === true ? today : undefined;
    const lastClose: TradingDayClose | null =
      row === undefined || row.day === null || row.at === null
        ? null
        : { tradingDay: row.day, at: row.at.toISOString() };
    const nextDay = close === null ? null : nextClosingDay(now, close, row?.closed_today === true);
    return {
      timeZone: this.config.marketTimeZone,
      opensAt: close === null || opening === null ? null : timeOfDay(opening.minute),
      closesAt: close === null ? null : timeOfDay(close.minute),
      open: this.hours.isOpen(now, closedToday),
      closedEarly:
        closedToday !== undefined && close !== null && opening !== null && isTradingHours(now, close, opening),
      nextOpen: this.hours.nextOpen(now, closedToday)?.toISOString() ?? null,
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
              .filter(([day]) => day >= today && day < aYearOn(today) && isTradingDay(day, close))
              .map(([day]) => ({ day, minute: openingMinute(day, opening) }))
              .filter(({ minute }) => minute > opening.minute)
              .sort((a, b) => a.day.localeCompare(b.day))
              .map(({ day, minute }) => ({ day, opensAt: timeOfDay(minute) })),
      lastClose,
      nextClose:
        close === null || nextDay === null
          ? null
          : { tradingDay: nextDay, at: closingInstant(nextDay, close).toISOString() },
    };
  }
}
