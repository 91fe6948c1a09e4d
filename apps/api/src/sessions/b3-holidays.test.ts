import { describe, expect, it } from 'vitest';
import { b3Holidays, b3LateOpeningsBetween, easterSunday } from './b3-holidays.js';

const weekdaysOnly = (days: string[]) =>
  days.filter((day) => ![0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()));

describe("B3's holidays", () => {
  it('finds Easter Sunday', () => {
    const easter = (year: number) => new Date(easterSunday(year)).toISOString().slice(0, 10);
    expect(easter(2024)).toBe('2024-03-31');
    expect(easter(2025)).toBe('2025-04-20');
    expect(easter(2026)).toBe('2026-04-05');
    expect(easter(2038)).toBe('2038-04-25');
    expect(easter(2285)).toBe('2285-03-22');
  });

  it('are the days B3 published for 2026 (its calendar of 30 December 2025)', () => {
    expect(weekdaysOnly(b3Holidays(2026))).toEqual([
      '2026-01-01',
      '2026-02-16',
      '2026-02-17',
      '2026-04-03',
      '2026-04-21',
      '2026-05-01',
      '2026-06-04',
      '2026-09-07',
      '2026-10-12',
      '2026-11-02',
      '2026-11-20',
      '2026-12-24',
      '2026-12-25',
      '2026-12-31',
    ]);
  });

  it('are the days B3 published for 2025', () => {
    expect(weekdaysOnly(b3Holidays(2025))).toEqual([
      '2025-01-01',
      '2025-03-03',
      '2025-03-04',
      '2025-04-18',
      '2025-04-21',
      '2025-05-01',
      '2025-06-19',
      '2025-11-20',
      '2025-12-24',
      '2025-12-25',
      '2025-12-31',
    ]);
  });

  it("close the year's last weekday, the Friday when the 31st is a weekend day, and Black Consciousness Day from 2024", () => {
    // 2023: the 31st a Sunday, so Friday the 29th; the 20th of November a trading day still.
    expect(b3Holidays(2023)).toContain('2023-12-29');
    expect(b3Holidays(2023)).not.toContain('2023-11-20');
    expect(b3Holidays(2024)).toContain('2024-11-20');
  });

  it('open late on Ash Wednesday, at 13:00, as B3 published for 2025 and 2026', () => {
    expect(b3LateOpeningsBetween(2025, 2026)).toEqual(
      new Map([
        ['2025-03-05', 13 * 60],
        ['2026-02-18', 13 * 60],
      ]),
    );
  });
});
