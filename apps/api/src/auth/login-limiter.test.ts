import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.js';

describe('LoginLimiter', () => {
  it('blocks a key after the allowed failures until its window ends, and forgets it on reset', () => {
    let now = 1_000;
    const limiter = new LoginLimiter(2, 60_000, () => now);
    limiter.recordFailure('a');
    expect(limiter.retryAfterMs('a')).toBe(0);
    limiter.recordFailure('a');
    expect(limiter.retryAfterMs('a')).toBe(60_000);
    expect(limiter.retryAfterMs('b')).toBe(0);
    now += 59_999;
    expect(limiter.retryAfterMs('a')).toBe(1);
    now += 1;
    expect(limiter.retryAfterMs('a')).toBe(0);
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    expect(limiter.retryAfterMs('a')).toBeGreaterThan(0);
    limiter.reset('a');
    expect(limiter.retryAfterMs('a')).toBe(0);
  });
});
