/** One paced run of the sweep: the rate asked for, the rate achieved, and its POST → fill p99 (ms). */
export interface SweepPoint {
  readonly rate: number;
  readonly achieved: number;
  readonly p99: number;
}

/**
 * `BENCH_SWEEP` ("250,500,1000"): the rates to pace after the main run, lowest first; none when unset or empty.
 * Throws on anything that is not a list of positive numbers, so that a typo does not pass as a sweep of nothing.
 */
export function sweepRates(setting: string | undefined): number[] {
  if (setting === undefined || setting.trim() === '') return [];
  const rates = setting.split(',').map((part) => Number(part.trim()));
  if (rates.some((rate) => !Number.isFinite(rate) || rate <= 0)) {
    throw new Error(`BENCH_SWEEP must list positive rates, such as "250,500,1000", not "${setting}"`);
  }
  return [...new Set(rates)].sort((a, b) => a - b);
}

/**
 * The highest rate up to which p99 stayed within `limitMs` at every rate swept, and was achieved (95% of it at
 * least): a rate past a failing one does not count, as one run's luck is not a capacity. Null when the lowest fails.
 */
export function highestRateWithin(points: readonly SweepPoint[], limitMs: number): number | null {
  let highest: number | null = null;
  for (const point of [...points].sort((a, b) => a.rate - b.rate)) {
    if (!(point.p99 <= limitMs) || point.achieved < 0.95 * point.rate) break;
    highest = point.rate;
  }
  return highest;
}
