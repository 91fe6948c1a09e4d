import { describe, expect, it } from 'vitest';
import { lastAverage, movingAverage } from './moving-average';

const bars = (closes: number[]) => closes.map((close, i) => ({ time: 100 + i * 60, close }));

describe('moving averages', () => {
  it('average each bar with the period - 1 bars before it, starting at the period-th bar', () => {
    expect(movingAverage(bars([10, 11, 12, 13, 14]), 3)).toEqual([
      { time: 220, value: 11 },
      { time: 280, value: 12 },
      { time: 340, value: 13 },
    ]);
    expect(movingAverage(bars([10, 11]), 3)).toEqual([]);
    expect(movingAverage(bars([38.25]), 1)).toEqual([{ time: 100, value: 38.25 }]);
  });

  it('sum in cents, so that a long line does not drift from the exact mean', () => {
    const closes = Array.from({ length: 1000 }, (_, i) => [0.1, 0.2, 0.3][i % 3]!);
    for (const point of movingAverage(bars(closes), 3)) expect(point.value).toBe(0.2);
    // 9 closes of 38,01 … 38,09: their mean is exactly 38,05.
    expect(lastAverage(bars(Array.from({ length: 9 }, (_, i) => 38.01 + i / 100)), 9)).toEqual({
      time: 100 + 8 * 60,
      value: 38.05,
    });
  });

  it('have no last value with fewer bars than the period, and take only the last period of bars', () => {
    expect(lastAverage(bars([10, 11, 12, 13]), 5)).toBeNull();
    expect(lastAverage(bars([1, 1, 1, 1, 10, 20]), 2)).toEqual({ time: 400, value: 15 });
  });

  it('refuse a period that is not a whole number of bars', () => {
    expect(() => movingAverage(bars([1]), 0)).toThrow(RangeError);
    expect(() => movingAverage(bars([1]), 2.5)).toThrow(RangeError);
  });
});
