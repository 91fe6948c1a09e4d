import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiFailure } from './api';
import { retrying, worthRetrying } from './retrying';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A load that fails with each of `failures` in turn, then answers `value`; counts its calls. */
function flaky<T>(failures: unknown[], value: T) {
  const load = vi.fn(async () => {
    const failure = failures.shift();
    if (failure !== undefined) throw failure;
    return value;
  });
  return load;
}

describe('loading what a page needs while the API is away', () => {
  it('asks again every 2 s until it gets an answer, and hands it over once', async () => {
    const load = flaky([new TypeError('Failed to fetch'), new ApiFailure(503, 'internal_error', 'bad gateway')], 42);
    const loaded = vi.fn();
    retrying(load, loaded);
    await vi.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(1);
    expect(loaded).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(load).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(load).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(load).toHaveBeenCalledTimes(3);
    expect(loaded).toHaveBeenCalledExactlyOnceWith(42);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('takes a 4xx for an answer: it does not ask again', async () => {
    const load = flaky([new ApiFailure(404, 'unknown_symbol', 'no such symbol')], 'never');
    const loaded = vi.fn();
    retrying(load, loaded);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(load).toHaveBeenCalledTimes(1);
    expect(loaded).not.toHaveBeenCalled();
    expect(worthRetrying(new ApiFailure(429, 'rate_limited', 'slow down'))).toBe(false);
    expect(worthRetrying(new ApiFailure(500, 'internal_error', 'oops'))).toBe(true);
  });

  it('stops when told: no more questions, and an answer already on its way is dropped', async () => {
    const load = flaky([new TypeError('Failed to fetch')], 'late');
    const loaded = vi.fn();
    const stop = retrying(load, loaded);
    await vi.advanceTimersByTimeAsync(0);
    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(load).toHaveBeenCalledTimes(1);

    let answer: (value: string) => void = () => undefined;
    const pending = vi.fn(() => new Promise<string>((resolve) => (answer = resolve)));
    const stopPending = retrying(pending, loaded);
    stopPending();
    answer('too late');
    await vi.advanceTimersByTimeAsync(0);
    expect(loaded).not.toHaveBeenCalled();
  });
});
