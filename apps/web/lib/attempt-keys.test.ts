import { describe, expect, it } from 'vitest';
import { ApiFailure } from './api';
import { AttemptKeys, isAnswer } from './attempt-keys';

describe('AttemptKeys', () => {
  let made = 0;
  const keys = () => new AttemptKeys(() => `key-${++made}`);

  it('keeps the key while the same request is retried, and makes a new one after an answer', () => {
    const attempts = keys();
    const first = attempts.keyFor('{"quantity":"100"}');
    expect(attempts.keyFor('{"quantity":"100"}')).toBe(first);
    attempts.answered();
    expect(attempts.keyFor('{"quantity":"100"}')).not.toBe(first);
  });

  it('makes a new key for a different request', () => {
    const attempts = keys();
    const first = attempts.keyFor('{"quantity":"100"}');
    expect(attempts.keyFor('{"quantity":"200"}')).not.toBe(first);
    expect(attempts.keyFor('{"quantity":"100"}')).not.toBe(first);
  });

  it('makes keys the API accepts', () => {
    expect(new AttemptKeys().keyFor('x')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('isAnswer', () => {
  it('takes a 4xx for an answer and a 5xx or no response for none', () => {
    const failures = [400, 409, 422, 500, 503].map((status) => new ApiFailure(status, 'code', 'message'));
    expect([...failures, new TypeError('Failed to fetch')].map(isAnswer)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
