import { describe, expect, it } from 'vitest';
import { barTime, chartTime } from './chart-time';

/** What the chart, which reads every time as UTC, writes for a chart time. */
const drawn = (time: number) => new Date(time * 1000).toISOString().slice(11, 19);

describe('chart times', () => {
  const trade = Date.parse('2026-12-03T12:53:27.450Z');

  it('draws an instant at the São Paulo wall clock (UTC−3), where the trades list shows it', () => {
    expect(drawn(chartTime(trade, 180))).toBe('09:53:27');
  });

  it('draws it unmoved in UTC, and ahead east of Greenwich', () => {
    expect(drawn(chartTime(trade, 0))).toBe('12:53:27');
    expect(drawn(chartTime(trade, -330))).toBe('18:23:27');
  });

  it.each([
    [60, 180, '09:53:00'],
    [300, 180, '09:50:00'],
    [3600, 180, '09:00:00'],
    // Bars are UTC hours, as the API's: half past, in a zone half an hour off.
    [3600, -330, '17:30:00'],
  ])('puts a trade in the bar of %i s that the API starts it in (offset %i min): %s', (seconds, offset, expected) => {
    expect(drawn(barTime(trade, seconds, offset))).toBe(expected);
  });

  it('puts a candle from the API where a live trade of its minute goes', () => {
    const candleOpen = Date.parse('2026-12-03T12:53:00.000Z');
    expect(chartTime(candleOpen, 180)).toBe(barTime(trade, 60, 180));
  });
});
