/**
 * The days B3 does not trade, by its rules (its yearly calendars since 2022, when it stopped closing on São Paulo's
 * own holidays): the national holidays, fixed and moving (Carnival's Monday and Tuesday, Good Friday and Corpus
 * Christi follow Easter), Christmas Eve, and the last weekday of the year; and the one day it opens late, Ash
 * Wednesday, at 13:00.
 */

/** Fixed national holidays, as `MM-DD`, and the year each became one (Black Consciousness Day: Law 14,759/2023). */
const FIXED: readonly (readonly [string, number])[] = [
  ['01-01', 0],
  ['04-21', 0],
  ['05-01', 0],
  ['09-07', 0],
  ['10-12', 0],
  ['11-02', 0],
  ['11-15', 0],
  ['11-20', 2024],
  ['12-24', 0],
  ['12-25', 0],
];

/** Days from Easter Sunday: Carnival's Monday and Tuesday, Good Friday, Corpus Christi. */
const FROM_EASTER = [-48, -47, -2, 60];

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Easter Sunday of a Gregorian year (the anonymous Gregorian computus), as UTC midnight in milliseconds. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day);
}

/** B3's days without trading in one year, as `YYYY-MM-DD` (weekends among them: they are no trading days anyway). */
export function b3Holidays(year: number): string[] {
  const days = FIXED.filter(([, since]) => year >= since).map(([monthDay]) => `${year}-${monthDay}`);
  const easter = easterSunday(year);
  for (const offset of FROM_EASTER) days.push(iso(easter + offset * DAY_MS));
  // The year's last weekday: December 31st, or the Friday before when it falls on a weekend.
  let last = Date.UTC(year, 11, 31);
  while ([0, 6].includes(new Date(last).getUTCDay())) last -= DAY_MS;
  days.push(iso(last));
  return [...new Set(days)].sort();
}

/** B3's holidays of every year from `first` to `last`. */
export function b3HolidaysBetween(first: number, last: number): Set<string> {
  const days = new Set<string>();
  for (let year = first; year <= last; year++) for (const day of b3Holidays(year)) days.add(day);
  return days;
}

/** When B3 opens on Ash Wednesday, the day after Carnival: 13:00 (minutes after midnight). */
export const B3_ASH_WEDNESDAY_OPENING = 13 * 60;

/** B3's late openings of every year from `first` to `last`: each Ash Wednesday, from 13:00. */
export function b3LateOpeningsBetween(first: number, last: number): Map<string, number> {
  const openings = new Map<string, number>();
  for (let year = first; year <= last; year++) {
    openings.set(iso(easterSunday(year) - 46 * DAY_MS), B3_ASH_WEDNESDAY_OPENING);
  }
  return openings;
}
