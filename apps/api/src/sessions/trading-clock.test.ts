import { describe, expect, it } from 'vitest';
import { closingInstant, isTimeZone, lastClosedDay, localTime, parseTimeOfDay } from './trading-clock.js';

describe('the trading clock', () => {
  it('reads times of day and time zones', () => {
    expect(parseTimeOfDay('18:00')).toBe(1080);
    expect(parseTimeOfDay('00:05')).toBe(5);
    for (const bad of ['24:00', '18:60', '6:00', '18h00', '']) expect(parseTimeOfDay(bad)).toBeNull();
    expect(isTimeZone('America/Sao_Paulo')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('knows the latest close to have passed in the exchange time zone, whatever the UTC date', () => {
    const close = { minute: 18 * 60, timeZone: 'America/Sao_Paulo' };
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
    const close = { minute: 16 * 60, timeZone: 'America/New_York' };
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
});
