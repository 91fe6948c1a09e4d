import { describe, expect, it } from 'vitest';
import { WindowLimiter } from './window-limiter.js';

describe('WindowLimiter', () => {
  it('blocks a key after its limit until its window ends, and forgets it on reset', () => {
    let now = 1_000;
    const limiter = new WindowLimiter(2, 60_000, () => now);
    limiter.record('a');
    expect(limiter.retryAfterMs('a')).toBe(0);
    limiter.record('a');
    expect(limiter.retryAfterMs('a')).toBe(60_000);
    expect(limiter.retryAfterMs('b')).toBe(0);
    now += 59_999;
    expect(limiter.retryAfterMs('a')).toBe(1);
    now += 1;
    expect(limiter.retryAfterMs('a')).toBe(0);
    limiter.record('a');
    limiter.record('a');
    expect(limiter.retryAfterMs('a')).toBeGreaterThan(0);
    limiter.reset('a');
    expect(limiter.retryAfterMs('a')).toBe(0);
  });

  it('admits a key within its limit, counting it, and past it answers the wait without counting', () => {
    let now = 1_000;
    const limiter = new WindowLimiter(2, 1_000, () => now);
    expect(limiter.admit('a')).toBe(0);
    expect(limiter.admit('a')).toBe(0);
    expect(limiter.admit('a')).toBe(1_000);
    now += 400;
    expect(limiter.admit('a')).toBe(600);
    expect(limiter.admit('b')).toBe(0);
    now += 600;
    // The refusals were not counted: the new window lets two through again.
    expect(limiter.admit('a')).toBe(0);
    expect(limiter.admit('a')).toBe(0);
    expect(limiter.admit('a')).toBe(1_000);
  });
});
