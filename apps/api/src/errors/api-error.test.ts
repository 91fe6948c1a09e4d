import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';

describe('ApiError', () => {
  it('carries its code, status, message and details', () => {
    const error = new ApiError('rate_limited', 'too many', { retryAfterSeconds: 1 });
    expect(error).toBeInstanceOf(Error);
    expect([error.code, error.status, error.message, error.details]).toEqual([
      'rate_limited',
      429,
      'too many',
      { retryAfterSeconds: 1 },
    ]);
  });

  it('captures no stack for a 4xx, keeps one for a 5xx (logged), and leaves the stack depth as it found it', () => {
    const before = Error.stackTraceLimit;
    const refused = new ApiError('validation_failed', 'bad field');
    const failed = new ApiError('unavailable', 'down');
    expect(refused.stack?.split('\n').filter((line) => line.trimStart().startsWith('at '))).toEqual([]);
    expect(failed.stack).toContain('api-error.test.ts');
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('after').stack).toContain('api-error.test.ts');
  });
});
