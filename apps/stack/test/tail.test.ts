import { describe, expect, it } from 'vitest';
import type { TimedOrder } from '../bench/hops.js';
import { bySecond, percentile, tailText } from '../bench/tail.js';

/** `perSecond` trades sent evenly in each of `seconds` seconds from 1,000 ms, each taking what `latency` says. */
function phase(seconds: number, perSecond: number, latency: (second: number, index: number) => number): TimedOrder[] {
  const timed: TimedOrder[] = [];
  for (let second = 0; second < seconds; second++) {
    for (let index = 0; index < perSecond; index++) {
      const sentAt = 1000 + second * 1000 + (index * 1000) / perSecond;
      timed.push({ orderId: `${second}-${index}`, sentAt, filledAt: sentAt + latency(second, index) });
    }
  }
  return timed;
}

describe("the e2e bench's tail by second", () => {
  it('takes the value at a fraction of sorted values, and NaN of none', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4], 0.99)).toBe(4);
    expect(percentile([], 0.99)).toBeNaN();
  });

  it('tells a tail spread over the phase from one stall', () => {
    const quick = (index: number) => 20 + index / 1000;
    // Every second has its few slow trades, as when orders wait for busy cores.
    const spread = phase(10, 100, (second, index) =>
      index % 20 === 0 ? 100 + index / 10 + second / 100 : quick(index),
    );
    const seconds = bySecond(spread, 1000);
    expect(seconds.map((second) => second.second)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seconds.every((second) => second.trades === 100)).toBe(true);
    expect(tailText(spread, 1000)).toBe(
      'POST → fill p99 by second of the paced phase: 108, 108, 108, 108, 108, 108, 108, 108, 108, 108 ms; ' +
        "trades slower than the phase's p99: 9, 1 of them sent in second 2 of 10 (the most in one second)",
    );
    // One second stalled, as when the kernel writes back a burst of dirty pages.
    const stalled = phase(10, 100, (second, index) => (second === 6 && index < 30 ? 150 + index : quick(index)));
    expect(tailText(stalled, 1000)).toBe(
      'POST → fill p99 by second of the paced phase: 20, 20, 20, 20, 20, 20, 179, 20, 20, 20 ms; ' +
        "trades slower than the phase's p99: 9, 9 of them sent in second 7 of 10 (the most in one second)",
    );
  });

  it('counts an order sent before the phase began (a clock step) in its first second, and says when it cannot tell', () => {
    const early: TimedOrder = { orderId: 'early', sentAt: 900, filledAt: 1000 };
    expect(bySecond([early], 1000)).toEqual([{ second: 0, trades: 1, p99: 100, slow: 0 }]);
    expect(tailText([early], 1000)).toBe(
      'POST → fill p99 by second of the paced phase: not known (too few trades timed)',
    );
    expect(tailText([], 1000)).toBe('POST → fill p99 by second of the paced phase: not known (too few trades timed)');
  });
});
