/**
 * The chart's moving averages (MMA, média móvel aritmética): each bar's value is the mean close of it and the
 * `period - 1` bars before it, so a line starts at the period-th bar. Closes are summed in cents, as integers, so a
 * long line carries no rounding drift from the chart's reais.
 */
export interface Closing<T> {
  readonly time: T;
  /** In reais, as the chart draws it. */
  readonly close: number;
}

export interface AveragePoint<T> {
  readonly time: T;
  /** In reais. */
  readonly value: number;
}

/** The moving average of `period` bars along `bars` (oldest first): one point per bar from the period-th on. */
export function movingAverage<T>(bars: readonly Closing<T>[], period: number): AveragePoint<T>[] {
  if (!Number.isInteger(period) || period < 1) throw new RangeError('a moving average needs a whole period of bars');
  const cents = bars.map((bar) => Math.round(bar.close * 100));
  const points: AveragePoint<T>[] = [];
  let sum = 0;
  for (let i = 0; i < bars.length; i++) {
    sum += cents[i]!;
    if (i >= period) sum -= cents[i - period]!;
    if (i >= period - 1) points.push({ time: bars[i]!.time, value: sum / period / 100 });
  }
  return points;
}

/** The average's value at the last bar, or null while there are fewer bars than the period. */
export function lastAverage<T>(bars: readonly Closing<T>[], period: number): AveragePoint<T> | null {
  return movingAverage(bars.slice(-period), period)[0] ?? null;
}
