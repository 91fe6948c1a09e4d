import { WEEKDAYS } from '@bolsa/contracts';
import { b3HolidaysBetween, b3LateOpeningsBetween } from './b3-holidays.js';

/**
 * When a row of `market_sessions` closed its day, in SQL: when it was recorded, or its closing time if later (a
 * close recorded ahead). The tickers' session and the calendar's last close both begin there.
 */
export const SESSION_CLOSED_AT_SQL = 'GREATEST(closed_at, closes_until)';

/** When the exchange's trading days close: a wall-clock time in a time zone (B3: 18:00 in São Paulo). */
export interface MarketClose {
  /** Minutes after local midnight. */
  readonly minute: number;
  readonly timeZone: string;
  /** The days of the week the exchange trades, 0 for Sunday to 6 for Saturday (B3: Monday to Friday). */
  readonly weekdays: ReadonlySet<number>;
  /** Local dates (`YYYY-MM-DD`) it does not trade on although their weekday is a trading one. */
  readonly holidays: ReadonlySet<string>;
}

/**
 * `mon-fri`, `sun-thu`, `mon,wed,fri`, `mon-wed,fri` (case ignored; a range may wrap the week, `fri-mon`) → the
 * weekdays named, 0 for Sunday; null when a part is not a day or a range of days.
 */
export function parseWeekdays(text: string): Set<number> | null {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const ends = part
      .trim()
      .split('-')
      .map((name) => (WEEKDAYS as readonly string[]).indexOf(name.trim()));
    const [first, last = first] = ends;
    if (ends.length > 2 || first === undefined || first < 0 || last === undefined || last < 0) return null;
    for (let day = first; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === last) break;
    }
  }
  return days;
}

/** Whether a text is a real date, `YYYY-MM-DD`. */
function isCalendarDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

/** The years `b3` in a list of holidays covers. */
const B3_YEARS = [2000, 2199] as const;

/**
 * A comma-separated list of dates (`2026-02-16,2026-02-17`; empty: none), where `b3` stands for every holiday of B3's
 * (see `b3Holidays`) → the dates, or null if one is neither.
 */
export function parseDates(text: string): Set<string> | null {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (!entries.every((entry) => entry.toLowerCase() === 'b3' || isCalendarDate(entry))) return null;
  const dates = new Set(entries.filter(isCalendarDate));
  if (entries.some((entry) => entry.toLowerCase() === 'b3')) {
    for (const day of b3HolidaysBetween(...B3_YEARS)) dates.add(day);
  }
  return dates;
}

/**
 * A comma-separated list of late openings, `2026-02-18@13:00` (empty: none), where `b3` stands for B3's (Ash Wednesday,
 * from 13:00; see `b3LateOpeningsBetween`) → the minute each date opens at, or null if an entry is neither.
 */
export function parseLateOpenings(text: string): Map<string, number> | null {
  const openings = new Map<string, number>();
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    if (entry.toLowerCase() === 'b3') {
      for (const [day, minute] of b3LateOpeningsBetween(...B3_YEARS)) openings.set(day, minute);
      continue;
    }
    const [day = '', time = '', ...rest] = entry.split('@');
    const minute = parseTimeOfDay(time);
    if (rest.length > 0 || minute === null || !isCalendarDate(day)) return null;
    openings.set(day, minute);
  }
  return openings;
}

/** `HH:MM` → minutes after midnight, or null when it is not a time of day. */
export function parseTimeOfDay(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match === null ? null : Number(match[1]) * 60 + Number(match[2]);
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * One formatter per time zone: making one costs ~75 µs here against ~6 µs to use one, and with trading hours every
 * order placed asks the clock.
 */
const localFormats = new Map<string, Intl.DateTimeFormat>();

function localFormat(timeZone: string): Intl.DateTimeFormat {
  let format = localFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    localFormats.set(timeZone, format);
  }
  return format;
}

/** The local date (`YYYY-MM-DD`) and minute of the day at `now` in `timeZone`. */
export function localTime(now: Date, timeZone: string): { day: string; minute: number } {
  const parts = localFormat(timeZone).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((entry) => entry.type === type)?.value ?? '00';
  return {
    day: `${part('year')}-${part('month')}-${part('day')}`,
    minute: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

/** The day `days` after a `YYYY-MM-DD` day (before it, when negative). */
function dayAfter(day: string, days = 1): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function dayBefore(day: string): string {
  return dayAfter(day, -1);
}

/** Whether the exchange trades on a local date: a trading weekday that is no holiday. */
export function isTradingDay(day: string, close: MarketClose): boolean {
  return close.weekdays.has(new Date(`${day}T00:00:00Z`).getUTCDay()) && !close.holidays.has(day);
}

/** Further than this, no trading day at all (every weekday a holiday for a year): none. */
const LONGEST_LOOK_DAYS = 400;

/**
 * The trading day whose close is the latest to have passed at `now`: today's once its closing time is past, when
 * today is a trading day; the weekend and holidays before it are skipped (on Monday morning, Friday). Null only if
 * no day of more than a year back was a trading day.
 */
export function lastClosedDay(now: Date, close: MarketClose): string | null {
  const local = localTime(now, close.timeZone);
  let day = local.minute >= close.minute ? local.day : dayBefore(local.day);
  for (let looked = 0; looked < LONGEST_LOOK_DAYS; looked++, day = dayBefore(day)) {
    if (isTradingDay(day, close)) return day;
  }
  return null;
}

/** The instant a trading day closes: its closing time on its date in the exchange's time zone. */
export function closingInstant(day: string, close: Pick<MarketClose, 'minute' | 'timeZone'>): Date {
  const asIfUtc = Date.parse(`${day}T00:00:00Z`) + close.minute * 60_000;
  // The zone's offset then: what its clocks showed at that UTC instant, against the instant itself.
  const shown = localTime(new Date(asIfUtc), close.timeZone);
  const offset = Date.parse(`${shown.day}T00:00:00Z`) + shown.minute * 60_000 - asIfUtc;
  return new Date(asIfUtc - offset);
}

/** Which local dates (`YYYY-MM-DD`) have been closed already: an administrator may close a day early. */
export interface ClosedDayList {
  has(day: string): boolean;
}

const NONE_CLOSED: ClosedDayList = new Set<string>();

/** When the exchange opens on trading days: a local time, later on some dates (B3: Ash Wednesday, at 13:00). */
export interface MarketOpening {
  /** Minutes after local midnight. */
  readonly minute: number;
  /** Local dates (`YYYY-MM-DD`) it opens later on, and when; one earlier than `minute` changes nothing. */
  readonly late: ReadonlyMap<string, number>;
  /** How many minutes before each opening the pre-opening call auction takes orders; absent or 0: none. */
  readonly preOpeningMinutes?: number;
  /** How many minutes before each close the closing call auction runs (never before the opening); absent or 0: none. */
  readonly closingCallMinutes?: number;
}

/** A call auction of the trading day in progress: the pre-opening, or the closing call, and when it ends. */
export interface AuctionPhase {
  readonly kind: 'opening' | 'closing';
  readonly endsAt: Date;
}

/** The minute a local date opens at. */
export function openingMinute(day: string, opening: MarketOpening): number {
  return Math.max(opening.minute, opening.late.get(day) ?? opening.minute);
}

/** The minute a local date starts taking orders at: its pre-opening's, or its opening's without one. */
function entryMinute(day: string, opening: MarketOpening): number {
  return openingMinute(day, opening) - (opening.preOpeningMinutes ?? 0);
}

/**
 * Whether the exchange takes new orders at `now`: on a trading day not closed already, from its pre-opening (its
 * opening, without one) until its closing time.
 */
export function isTradingHours(now: Date, close: MarketClose, opening: MarketOpening, closed = NONE_CLOSED): boolean {
  return tradingHoursAt(localTime(now, close.timeZone), close, opening, closed);
}

/** `isTradingHours` at a local time already read. */
function tradingHoursAt(
  local: { day: string; minute: number },
  close: MarketClose,
  opening: MarketOpening,
  closed: ClosedDayList,
): boolean {
  return (
    local.minute < close.minute &&
    local.minute >= entryMinute(local.day, opening) &&
    isTradingDay(local.day, close) &&
    !closed.has(local.day)
  );
}

/**
 * When the exchange next takes orders after `now` (its pre-opening, or its opening without one): today's if that is
 * still ahead, else a later day's; the first of a trading day not closed already (an administrator may close one
 * before it opens). Null only if no trading day comes within a year.
 */
export function nextOpening(now: Date, close: MarketClose, opening: MarketOpening, closed = NONE_CLOSED): Date | null {
  const local = localTime(now, close.timeZone);
  let day = local.day;
  for (let looked = 0; looked < LONGEST_LOOK_DAYS; looked++, day = dayAfter(day)) {
    if (!isTradingDay(day, close) || closed.has(day)) continue;
    const minute = entryMinute(day, opening);
    // A date set to open at or after its close does not open.
    if (openingMinute(day, opening) < close.minute && (day !== local.day || local.minute < minute)) {
      return closingInstant(day, { minute, timeZone: close.timeZone });
    }
  }
  return null;
}

/**
 * The call auction in progress at `now`: the pre-opening (orders taken, before the opening), ending at the opening,
 * or the closing call (its last minutes, from the opening at the earliest), ending at the close. Null in continuous
 * trading, outside trading hours, or without auctions.
 */
export function auctionPhase(
  now: Date,
  close: MarketClose,
  opening: MarketOpening,
  closed = NONE_CLOSED,
): AuctionPhase | null {
  const local = localTime(now, close.timeZone);
  if (!tradingHoursAt(local, close, opening, closed)) return null;
  if (local.minute < openingMinute(local.day, opening)) {
    return { kind: 'opening', endsAt: openingInstant(local.day, close, opening) };
  }
  // Without a closing call, continuous trading ends at the close, which trading hours never reach.
  if (local.minute >= continuousEndMinute(local.day, close, opening)) {
    return { kind: 'closing', endsAt: closingInstant(local.day, close) };
  }
  return null;
}

/** The minute a day's continuous trading ends: its closing call starts then (never before the opening), or it closes. */
function continuousEndMinute(day: string, close: MarketClose, opening: MarketOpening): number {
  return Math.max(openingMinute(day, opening), close.minute - (opening.closingCallMinutes ?? 0));
}

/** The instant a trading day's continuous trading ends: its closing call starts then, or it closes. */
export function continuousTradingEnd(day: string, close: MarketClose, opening: MarketOpening): Date {
  return closingInstant(day, { minute: continuousEndMinute(day, close, opening), timeZone: close.timeZone });
}

/** The instant a trading day opens: after its pre-opening, if it has one. */
export function openingInstant(day: string, close: Pick<MarketClose, 'timeZone'>, opening: MarketOpening): Date {
  return closingInstant(day, { minute: openingMinute(day, opening), timeZone: close.timeZone });
}

/**
 * The next close the clock will make after `now`: today's, if today is a trading day whose closing time is still
 * ahead and it was not closed already (an administrator may close it early); otherwise the next trading day's.
 */
export function nextClosingDay(now: Date, close: MarketClose, closedToday: boolean): string | null {
  const today = localTime(now, close.timeZone).day;
  const todayCloses = isTradingDay(today, close) && !closedToday && closingInstant(today, close) > now;
  let day = todayCloses ? today : dayAfter(today);
  for (let looked = 0; looked < LONGEST_LOOK_DAYS; looked++, day = dayAfter(day)) {
    if (isTradingDay(day, close)) return day;
  }
  return null;
}
