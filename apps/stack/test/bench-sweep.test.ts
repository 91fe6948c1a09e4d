import { describe, expect, it } from 'vitest';
import { highestRateWithin, sweepRates } from '../bench/sweep.js';

describe('the bench’s rate sweep', () => {
  it('reads BENCH_SWEEP as rates, lowest first and each once; unset or empty is no sweep', () => {
    expect(sweepRates('1000, 250,500,250')).toEqual([250, 500, 1000]);
    expect(sweepRates(undefined)).toEqual([]);
    expect(sweepRates(' ')).toEqual([]);
  });

  it('refuses a setting that is not a list of positive rates', () => {
    for (const setting of ['250,,500', '250;500', '0', '-5', 'fast']) {
      expect(() => sweepRates(setting), setting).toThrow(/BENCH_SWEEP/);
    }
  });

  it('finds the highest rate whose p99 held the limit with every rate below it', () => {
    const point = (rate: number, p99: number, achieved = rate) => ({ rate, achieved, p99 });
    expect(highestRateWithin([point(500, 49.1), point(250, 28.9), point(750, 66.3)], 50)).toBe(500);
    // A lucky run above a failing one is not a capacity.
    expect(highestRateWithin([point(250, 30), point(500, 60), point(750, 45)], 50)).toBe(250);
    expect(highestRateWithin([point(250, 51)], 50)).toBeNull();
    // A rate the generator could not reach does not count, nor does a p99 of nothing timed.
    expect(highestRateWithin([point(250, 20), point(500, 30, 400)], 50)).toBe(250);
    expect(highestRateWithin([point(250, Number.NaN)], 50)).toBeNull();
    expect(highestRateWithin([point(250, 50)], 50)).toBe(250);
  });
});
