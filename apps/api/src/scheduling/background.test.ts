import { afterEach, describe, expect, it, vi } from 'vitest';
import { OneShot, repeatEvery, SingleFlight } from './background.js';

describe('SingleFlight', () => {
  it('gives a run asked for while one is going that same run, and starts a new one after it', async () => {
    const flight = new SingleFlight<number>();
    let started = 0;
    let finish = (_: number) => {};
    const work = () => {
      started += 1;
      return new Promise<number>((resolve) => (finish = resolve));
    };
    const first = flight.run(work);
    const joined = flight.run(work);
    expect(joined).toBe(first);
    finish(7);
    expect(await joined).toBe(7);
    expect(started).toBe(1);
    const next = flight.run(async () => 8);
    expect(await next).toBe(8);
  });

  it('lets a failed run fail its callers, and settled() wait for it without failing', async () => {
    const flight = new SingleFlight<number>();
    let fail = (_: Error) => {};
    const run = flight.run(() => new Promise<number>((_, reject) => (fail = reject)));
    const settled = flight.settled();
    fail(new Error('down'));
    await expect(run).rejects.toMatchObject({ message: expect.stringContaining('down') });
    await expect(settled).resolves.toBeUndefined();
    expect(await flight.run(async () => 1)).toBe(1);
  });
});

describe('repeatEvery', () => {
  afterEach(() => vi.useRealTimers());

  it('runs first after firstAfterMs, then every everyMs, until stopped', () => {
    vi.useFakeTimers();
    const calls: number[] = [];
    const start = Date.now();
    const stop = repeatEvery(1000, () => calls.push(Date.now() - start), 100);
    vi.advanceTimersByTime(2200);
    expect(calls).toEqual([100, 1100, 2100]);
    stop();
    vi.advanceTimersByTime(5000);
    expect(calls).toHaveLength(3);
  });

  it('stops from inside its own task', () => {
    vi.useFakeTimers();
    let calls = 0;
    const stop: () => void = repeatEvery(10, () => {
      calls += 1;
      if (calls === 2) stop();
    });
    vi.advanceTimersByTime(1000);
    expect(calls).toBe(2);
  });
});

describe('OneShot', () => {
  afterEach(() => vi.useRealTimers());

  it('runs once at the moment it was first given, keeps it when asked again while waiting, and can be cancelled', () => {
    vi.useFakeTimers();
    const shot = new OneShot();
    const runs: string[] = [];
    shot.in(100, () => runs.push('first'));
    shot.in(10, () => runs.push('second'));
    expect(shot.waiting).toBe(true);
    vi.advanceTimersByTime(99);
    expect(runs).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(runs).toEqual(['first']);
    expect(shot.waiting).toBe(false);
    shot.in(50, () => runs.push('third'));
    shot.cancel();
    vi.advanceTimersByTime(100);
    expect(runs).toEqual(['first']);
  });
});
