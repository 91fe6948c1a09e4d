import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import {
  boundedCount,
  decodeCursor,
  encodeCursor,
  idempotencyKey,
  oneOf,
  pageLimit,
  someOf,
  timeRange,
} from './query-params.js';

/** The field errors `run` is refused with (it must be refused). */
function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('validation_failed');
    return (error as ApiError).details['fields'];
  }
  throw new Error('not refused');
}

describe('query parameters', () => {
  it('takes a whole number from 1 to the maximum, the fallback when absent, and refuses anything else by name', () => {
    expect(boundedCount('depth', undefined, 10, 100)).toBe(10);
    expect(boundedCount('depth', '1', 10, 100)).toBe(1);
    expect(boundedCount('depth', '100', 10, 100)).toBe(100);
    for (const text of ['0', '101', '-1', '5.0', '1e2', ' 5', '', 'abc', '99999999999999999999']) {
      expect(refusal(() => boundedCount('depth', text, 10, 100))).toEqual([
        { field: 'depth', code: 'invalid', message: 'depth must be a whole number from 1 to 100' },
      ]);
    }
  });

  it("reads a page's limit as limit, 100 of at most 500 unless told otherwise", () => {
    expect(pageLimit(undefined)).toBe(100);
    expect(pageLimit('500')).toBe(500);
    expect(pageLimit(undefined, 50, 200)).toBe(50);
    expect(refusal(() => pageLimit('201', 50, 200))).toEqual([
      { field: 'limit', code: 'invalid', message: 'limit must be a whole number from 1 to 200' },
    ]);
  });

  it('takes one of a few words, or several separated by commas', () => {
    expect(oneOf('status', 'open', ['open', 'done'])).toBe('open');
    expect(oneOf('status', undefined, ['open', 'done'])).toBeUndefined();
    expect(refusal(() => oneOf('status', 'Open', ['open', 'done']))).toEqual([
      { field: 'status', code: 'invalid', message: 'status must be one of open, done' },
    ]);
    expect(someOf('reason', 'deposit,fee', ['deposit', 'withdrawal', 'fee'])).toEqual(['deposit', 'fee']);
    expect(refusal(() => someOf('reason', 'deposit,,fee', ['deposit', 'fee']))).toEqual([
      { field: 'reason', code: 'invalid', message: 'reason must be one of deposit, fee' },
    ]);
  });

  it('takes a time range open at either end, and refuses one that could select nothing', () => {
    expect(timeRange('2026-12-01', undefined)).toEqual({ from: new Date('2026-12-01'), to: undefined });
    expect(timeRange(undefined, '2026-12-01T10:00:00Z').to).toEqual(new Date('2026-12-01T10:00:00Z'));
    expect(refusal(() => timeRange('yesterday', undefined))).toEqual([
      { field: 'from', code: 'invalid', message: 'from must be an ISO 8601 time' },
    ]);
    expect(refusal(() => timeRange('2026-12-02', '2026-12-02'))).toEqual([
      { field: 'to', code: 'invalid', message: 'to must be after from' },
    ]);
  });

  it('reads back the cursors it gives out, and refuses one altered or of another list', () => {
    const cursor = encodeCursor(['2026-12-01T10:00:00.000Z', '42']);
    expect(decodeCursor(cursor, ['time', 'integer'])).toEqual(['2026-12-01T10:00:00.000Z', '42']);
    expect(decodeCursor(undefined, ['time', 'integer'])).toBeUndefined();
    const refused = [{ field: 'cursor', code: 'invalid', message: 'cursor is not one this API gave out' }];
    expect(refusal(() => decodeCursor(cursor, ['time', 'uuid']))).toEqual(refused);
    expect(refusal(() => decodeCursor(cursor, ['time']))).toEqual(refused);
    expect(refusal(() => decodeCursor(`${cursor}!`, ['time', 'integer']))).toEqual(refused);
    expect(refusal(() => decodeCursor(encodeCursor(['2026-12-01T10:00:00.000Z', '4x2']), ['time', 'integer']))).toEqual(
      refused,
    );
  });

  it('takes an Idempotency-Key of 1 to 100 safe characters', () => {
    expect(idempotencyKey(undefined)).toBeUndefined();
    expect(idempotencyKey('order-1:retry.2_a')).toBe('order-1:retry.2_a');
    for (const key of ['', 'a b', 'x'.repeat(101), 'é']) {
      expect(refusal(() => idempotencyKey(key))).toEqual([
        expect.objectContaining({ field: 'Idempotency-Key', code: 'invalid' }),
      ]);
    }
  });
});
