import type { TimedOrder } from './hops.js';

/** `values` sorted in place from the smallest, as `percentile` takes them; returned for chaining. */
export const ascending = (values: number[]): number[] => values.sort((a, b) => a - b);

/** The value at `fraction` (0.99 for p99) of ascending `sorted`; NaN when it is empty. */
export function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

/** The timed orders sent in one second of a phase: how many, their POST → fill p99 (ms), and how many were slow. */
export interface SecondOfPhase {
  readonly second: number;
  readonly trades: number;
  readonly p99: number;
  /** Those slower than the whole phase's p99. */
  readonly slow: number;
}

/** Each second of a phase that started at `startedAt` (the timed orders' clock), by when its orders were sent. */
export function bySecond(timed: readonly TimedOrder[], startedAt: number): SecondOfPhase[] {
  const phaseP99 = percentile(ascending(timed.map((order) => order.filledAt - order.sentAt)), 0.99);
  const seconds = new Map<number, number[]>();
  for (const order of timed) {
    const second = Math.max(0, Math.floor((order.sentAt - startedAt) / 1000));
    const latencies = seconds.get(second) ?? [];
    latencies.push(order.filledAt - order.sentAt);
    seconds.set(second, latencies);
  }
  return [...seconds]
    .sort(([a], [b]) => a - b)
    .map(([second, latencies]) => ({
      second,
      trades: latencies.length,
      p99: percentile(ascending(latencies), 0.99),
      slow: latencies.filter((latency) => latency > phaseP99).length,
    }));
}

/**
 * Whether a phase's tail is one stall or spread over it: each second's p99, and how many of the trades slower than the
 * phase's p99 were sent in the second holding most of them. Spread (orders waiting for busy cores), that is about
 * one in as many as the phase has seconds; for one stall (the kernel writing back a burst of dirty pages, a long
 * garbage collection), most of them.
 */
export function tailText(timed: readonly TimedOrder[], startedAt: number): string {
  const seconds = bySecond(timed, startedAt);
  const slow = seconds.reduce((sum, second) => sum + second.slow, 0);
  if (slow === 0) return 'POST → fill p99 by second of the paced phase: not known (too few trades timed)';
  const worst = seconds.reduce((most, second) => (second.slow > most.slow ? second : most));
  return (
    `POST → fill p99 by second of the paced phase: ${seconds.map((second) => second.p99.toFixed(0)).join(', ')} ms; ` +
    `trades slower than the phase's p99: ${slow}, ${worst.slow} of them sent in second ${worst.second + 1} of ` +
    `${seconds.length} (the most in one second)`
  );
}
