import { describe, expect, it } from 'vitest';
import {
  auctionPhase,
  closingInstant,
  isTimeZone,
  isTradingHours,
  lastClosedDay,
  localTime,
  nextClosingDay,
  nextOpening,
  parseDates,
  parseLateOpenings,
  parseTimeOfDay,
  parseWeekdays,
} from './trading-clock.js';

const MONDAY_TO_FRIDAY = new Set([1, 2, 3, 4, 5]);
const EVERY_DAY = new Set([0, 1, 2, 3, 4, 5, 6]);
/** B3's days, with its Carnival: no trading on Monday the 16th and Tuesday the 17th of February 2026. */
const B3_2026 = {
  minute: 18 * 60,
  timeZone: 'America/Sao_Paulo',
  weekdays: MONDAY_TO_FRIDAY,
  holidays: new Set(['2026-02-16', '2026-02-17']),
};

/** Opening at 10:00 every trading day. */
const TEN_O_CLOCK = { minute: 10 * 60, late: new Map<string, number>() };

describe('the trading clock', () => {
  it('reads times of day and time zones', () => {
    expect(parseTimeOfDay('18:00')).toBe(1080);
    expect(parseTimeOfDay('00:05')).toBe(5);
    for (const bad of ['24:00', '18:60', '6:00', '18h00', '']) expect(parseTimeOfDay(bad)).toBeNull();
    expect(isTimeZone('America/Sao_Paulo')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('reads the weekdays the exchange trades and its holidays', () => {
    expect(parseWeekdays('mon-fri')).toEqual(MONDAY_TO_FRIDAY);
    expect(parseWeekdays('Sun-Thu')).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(parseWeekdays('mon, wed,fri')).toEqual(new Set([1, 3, 5]));
    expect(parseWeekdays('fri-mon')).toEqual(new Set([5, 6, 0, 1]));
    expect(parseWeekdays('mon-wed,sat')).toEqual(new Set([1, 2, 3, 6]));
    expect(parseWeekdays('sat')).toEqual(new Set([6]));
    for (const bad of ['', 'monday-friday', 'mon-', 'mon-tue-wed', 'mon,,fri', '1-5'])
      expect(parseWeekdays(bad)).toBeNull();
    expect(parseDates('2026-02-16, 2026-02-17')).toEqual(new Set(['2026-02-16', '2026-02-17']));
    expect(parseDates('')).toEqual(new Set());
    // B3's own, with one more of the exchange's.
    const b3 = parseDates('b3, 2026-07-09')!;
    expect(b3.has('2026-02-16') && b3.has('2031-12-25') && b3.has('2026-07-09')).toBe(true);
    expect(b3.has('2026-02-18')).toBe(false);
    for (const bad of ['2026-02-30', '16/02/2026', '2026-2-16', '2026-02-16;2026-02-17'])
      expect(parseDates(bad)).toBeNull();
  });

  it('knows the latest close to have passed in the exchange time zone, whatever the UTC date', () => {
    const close = {
      minute: 18 * 60,
      timeZone: 'America/Sao_Paulo',
      weekdays: MONDAY_TO_FRIDAY,
      holidays: new Set<string>(),
    };
    // São Paulo is three hours behind UTC (no daylight saving since 2019).
    expect(localTime(new Date('2026-12-02T20:59:00Z'), close.timeZone)).toEqual({ day: '2026-12-02', minute: 1079 });
    expect(lastClosedDay(new Date('2026-12-02T20:59:00Z'), close)).toBe('2026-12-01');
    expect(lastClosedDay(new Date('2026-12-02T21:00:00Z'), close)).toBe('2026-12-02');
    // 01:30 UTC on the 3rd is still the evening of the 2nd there.
    expect(lastClosedDay(new Date('2026-12-03T01:30:00Z'), close)).toBe('2026-12-02');
    expect(lastClosedDay(new Date('2026-01-01T12:00:00Z'), close)).toBe('2025-12-31');
    expect(closingInstant('2026-12-02', close).toISOString()).toBe('2026-12-02T21:00:00.000Z');
    expect(closingInstant('2026-12-02', { minute: 17 * 60 + 30, timeZone: 'Asia/Tokyo' }).toISOString()).toBe(
      '2026-12-02T08:30:00.000Z',
    );
  });

  it('closes at the local time on the days daylight saving time starts and ends', () => {
    // New York at 16:00: UTC-5 in winter, UTC-4 in summer; the clocks change at 02:00 on 2026-03-08 and 2026-11-01.
    const close = { minute: 16 * 60, timeZone: 'America/New_York', weekdays: EVERY_DAY, holidays: new Set<string>() };
    const instants = ['2026-03-07', '2026-03-08', '2026-03-09', '2026-10-31', '2026-11-01', '2026-11-02'].map((day) =>
      closingInstant(day, close).toISOString(),
    );
    expect(instants).toEqual([
      '2026-03-07T21:00:00.000Z',
      '2026-03-08T20:00:00.000Z',
      '2026-03-09T20:00:00.000Z',
      '2026-10-31T20:00:00.000Z',
      '2026-11-01T21:00:00.000Z',
      '2026-11-02T21:00:00.000Z',
    ]);
    expect(lastClosedDay(new Date('2026-03-08T20:00:00Z'), close)).toBe('2026-03-08');
    expect(lastClosedDay(new Date('2026-11-01T20:30:00Z'), close)).toBe('2026-10-31');
  });

  it('skips the days the exchange does not trade: the weekend, the holidays', () => {
    const close = B3_2026;
    // Friday the 13th, before and after its close; then the weekend and the Carnival keep Friday the last close.
    expect(lastClosedDay(new Date('2026-02-13T20:59:00Z'), close)).toBe('2026-02-12');
    for (const instant of [
      '2026-02-13T21:00:00Z',
      '2026-02-14T22:00:00Z',
      '2026-02-16T22:00:00Z',
      '2026-02-18T20:59:00Z',
    ])
      expect(lastClosedDay(new Date(instant), close)).toBe('2026-02-13');
    expect(lastClosedDay(new Date('2026-02-18T21:00:00Z'), close)).toBe('2026-02-18');
    // A week of Friday prayers and Saturday rest: Sunday to Thursday.
    const sundayToThursday = { ...close, weekdays: new Set([0, 1, 2, 3, 4]), holidays: new Set<string>() };
    expect(lastClosedDay(new Date('2026-12-05T12:00:00Z'), sundayToThursday)).toBe('2026-12-03');
    expect(lastClosedDay(new Date('2026-12-06T21:00:00Z'), sundayToThursday)).toBe('2026-12-06');
    // No trading day in more than a year: none.
    expect(lastClosedDay(new Date('2026-12-06T21:00:00Z'), { ...close, weekdays: new Set<number>() })).toBeNull();
  });

  it('knows the next close: today before its closing time unless closed already, else the next trading day', () => {
    const close = B3_2026;
    // Friday the 13th of February 2026, 17:59 there: today; closed early by an administrator: Wednesday, past the
    // weekend and the Carnival; 18:00: the same.
    expect(nextClosingDay(new Date('2026-02-13T20:59:00Z'), close, false)).toBe('2026-02-13');
    expect(nextClosingDay(new Date('2026-02-13T20:59:00Z'), close, true)).toBe('2026-02-18');
    expect(nextClosingDay(new Date('2026-02-13T21:00:00Z'), close, false)).toBe('2026-02-18');
    // Saturday: Wednesday. Late on Tuesday the 17th (already Wednesday in UTC): Wednesday.
    expect(nextClosingDay(new Date('2026-02-14T12:00:00Z'), close, false)).toBe('2026-02-18');
    expect(nextClosingDay(new Date('2026-02-18T01:00:00Z'), close, false)).toBe('2026-02-18');
    expect(
      nextClosingDay(new Date('2026-02-18T12:00:00Z'), { ...close, weekdays: new Set<number>() }, false),
    ).toBeNull();
  });

  it('takes orders from the opening to the close on trading days, and knows when it opens next', () => {
    const close = B3_2026;
    const tenOClock = TEN_O_CLOCK;
    const open = (instant: string) => isTradingHours(new Date(instant), close, tenOClock);
    // Friday the 13th of February 2026 (São Paulo at UTC-3): 09:59 closed, 10:00 open, 17:59 open, 18:00 closed.
    expect(open('2026-02-13T12:59:00Z')).toBe(false);
    expect(open('2026-02-13T13:00:00Z')).toBe(true);
    expect(open('2026-02-13T20:59:59Z')).toBe(true);
    expect(open('2026-02-13T21:00:00Z')).toBe(false);
    // Saturday, and the Carnival's Monday at noon: closed. Ash Wednesday at noon: open.
    expect(open('2026-02-14T15:00:00Z')).toBe(false);
    expect(open('2026-02-16T15:00:00Z')).toBe(false);
    expect(open('2026-02-18T15:00:00Z')).toBe(true);
    const next = (instant: string) => nextOpening(new Date(instant), close, tenOClock)?.toISOString();
    // Before ten on Friday: that morning. From ten on Friday on (open, then closed): Wednesday, past the weekend and
    // the Carnival. Late on Tuesday the 17th (already Wednesday in UTC): Wednesday.
    expect(next('2026-02-13T11:00:00Z')).toBe('2026-02-13T13:00:00.000Z');
    expect(next('2026-02-13T13:00:00Z')).toBe('2026-02-18T13:00:00.000Z');
    expect(next('2026-02-13T22:00:00Z')).toBe('2026-02-18T13:00:00.000Z');
    expect(next('2026-02-18T01:00:00Z')).toBe('2026-02-18T13:00:00.000Z');
    expect(
      nextOpening(new Date('2026-02-18T12:00:00Z'), { ...close, weekdays: new Set<number>() }, TEN_O_CLOCK),
    ).toBeNull();
  });

  it("opens late on the dates set to (B3's Ash Wednesday at 13:00), and not at all on one set past the close", () => {
    const opening = { minute: 10 * 60, late: parseLateOpenings('b3,2026-02-20@18:00,2026-02-19@09:00')! };
    expect(opening.late.get('2026-02-18')).toBe(13 * 60);
    // Ash Wednesday 2027 (Easter on the 28th of March): the 10th of February.
    expect(opening.late.get('2027-02-10')).toBe(13 * 60);
    const open = (instant: string) => isTradingHours(new Date(instant), B3_2026, opening);
    const next = (instant: string) => nextOpening(new Date(instant), B3_2026, opening)?.toISOString();
    // Ash Wednesday, São Paulo at UTC-3: closed at 12:59, open at 13:00, and that is when it opens next.
    expect(open('2026-02-18T15:59:00Z')).toBe(false);
    expect(open('2026-02-18T16:00:00Z')).toBe(true);
    expect(next('2026-02-13T22:00:00Z')).toBe('2026-02-18T16:00:00.000Z');
    expect(next('2026-02-18T14:00:00Z')).toBe('2026-02-18T16:00:00.000Z');
    // A late opening earlier than the usual changes nothing (Thursday opens at 10:00); one at the close skips the
    // day (Friday): Monday the 23rd opens next.
    expect(open('2026-02-19T12:30:00Z')).toBe(false);
    expect(next('2026-02-18T22:00:00Z')).toBe('2026-02-19T13:00:00.000Z');
    expect(open('2026-02-20T20:00:00Z')).toBe(false);
    expect(next('2026-02-19T22:00:00Z')).toBe('2026-02-23T13:00:00.000Z');
    for (const bad of ['2026-02-18', '2026-02-18@13h', '2026-02-30@13:00', 'b4', '2026-02-18@13:00@14:00']) {
      expect(parseLateOpenings(bad)).toBeNull();
    }
    expect(parseLateOpenings('')).toEqual(new Map());
  });

  it('keeps a day an administrator closed early shut until the next trading day opens', () => {
    const close = B3_2026;
    const tenOClock = TEN_O_CLOCK;
    const closedFriday = new Set(['2026-02-13']);
    // Friday the 13th at noon in São Paulo, closed: no orders, and it opens on Wednesday, past the Carnival.
    expect(isTradingHours(new Date('2026-02-13T15:00:00Z'), close, tenOClock, closedFriday)).toBe(false);
    expect(nextOpening(new Date('2026-02-13T15:00:00Z'), close, tenOClock, closedFriday)?.toISOString()).toBe(
      '2026-02-18T13:00:00.000Z',
    );
    // Closed before it opened (09:00): not that morning either. Thursday before: Friday's close changes nothing.
    expect(nextOpening(new Date('2026-02-13T12:00:00Z'), close, tenOClock, closedFriday)?.toISOString()).toBe(
      '2026-02-18T13:00:00.000Z',
    );
    expect(isTradingHours(new Date('2026-02-12T15:00:00Z'), close, tenOClock, closedFriday)).toBe(true);
    expect(nextOpening(new Date('2026-02-12T22:00:00Z'), close, tenOClock, closedFriday)?.toISOString()).toBe(
      '2026-02-18T13:00:00.000Z',
    );
  });

  it('takes orders from the pre-opening, in a call auction that ends at the opening (late openings too)', () => {
    const preOpening = { minute: 10 * 60, late: new Map([['2026-02-18', 13 * 60]]), preOpeningMinutes: 15 };
    const at = (text: string) => new Date(text);
    // Friday 2026-02-13 in São Paulo (UTC-3): the auction from 09:45 to 10:00.
    expect(isTradingHours(at('2026-02-13T12:44:59Z'), B3_2026, preOpening)).toBe(false);
    expect(isTradingHours(at('2026-02-13T12:45:00Z'), B3_2026, preOpening)).toBe(true);
    expect(auctionPhase(at('2026-02-13T12:45:00Z'), B3_2026, preOpening)?.endsAt ?? null).toEqual(
      at('2026-02-13T13:00:00Z'),
    );
    expect(auctionPhase(at('2026-02-13T12:59:59Z'), B3_2026, preOpening)?.endsAt ?? null).toEqual(
      at('2026-02-13T13:00:00Z'),
    );
    expect(auctionPhase(at('2026-02-13T13:00:00Z'), B3_2026, preOpening)?.endsAt ?? null).toBeNull();
    expect(auctionPhase(at('2026-02-13T12:44:00Z'), B3_2026, preOpening)?.endsAt ?? null).toBeNull();
    // Without one, trading starts at the opening; closed days have none.
    expect(auctionPhase(at('2026-02-13T12:50:00Z'), B3_2026, TEN_O_CLOCK)?.endsAt ?? null).toBeNull();
    expect(
      auctionPhase(at('2026-02-13T12:50:00Z'), B3_2026, preOpening, new Set(['2026-02-13']))?.endsAt ?? null,
    ).toBeNull();
    // The next time orders are taken is the pre-opening, after Carnival's late opening at 13:00 too.
    expect(nextOpening(at('2026-02-13T22:00:00Z'), B3_2026, preOpening)).toEqual(at('2026-02-18T15:45:00Z'));
    expect(auctionPhase(at('2026-02-18T15:50:00Z'), B3_2026, preOpening)?.endsAt ?? null).toEqual(
      at('2026-02-18T16:00:00Z'),
    );
  });

  it('runs the closing call in the last minutes before the close, from the opening at the earliest', () => {
    const withClosingCall = { minute: 10 * 60, late: new Map([['2026-02-18', 17 * 60 + 58]]), closingCallMinutes: 5 };
    const at = (text: string) => new Date(text);
    // Friday 2026-02-13 in São Paulo (UTC-3): continuous until 17:55, the closing call until 18:00.
    expect(auctionPhase(at('2026-02-13T20:54:59Z'), B3_2026, withClosingCall)).toBeNull();
    expect(auctionPhase(at('2026-02-13T20:55:00Z'), B3_2026, withClosingCall)).toEqual({
      kind: 'closing',
      endsAt: at('2026-02-13T21:00:00Z'),
    });
    expect(auctionPhase(at('2026-02-13T21:00:00Z'), B3_2026, withClosingCall)).toBeNull();
    // A day that opens at 17:58 has a closing call of two minutes, from its opening.
    expect(auctionPhase(at('2026-02-18T20:57:00Z'), B3_2026, withClosingCall)).toBeNull();
    expect(auctionPhase(at('2026-02-18T20:58:00Z'), B3_2026, withClosingCall)?.kind).toBe('closing');
  });
});
