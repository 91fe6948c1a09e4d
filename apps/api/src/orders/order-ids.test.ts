import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { newOrderId } from './order-ids.js';

describe('newOrderId', () => {
  it('makes UUIDv7s that carry the time they were made at', () => {
    const before = Date.now();
    const id = newOrderId();
    const after = Date.now();
    expect(validate(id) && version(id)).toBe(7);
    const millis = parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    expect(millis).toBeGreaterThanOrEqual(before);
    // The counter may have borrowed a millisecond or two ahead when many ids were made in one.
    expect(millis).toBeLessThanOrEqual(after + 2);
  });

  it('keeps the order ids are made in, through many in one millisecond and across refills of its entropy', () => {
    const ids = Array.from({ length: 5_000 }, () => newOrderId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // Each id has random bytes of its own: no slice of the entropy buffer is handed out twice.
    expect(new Set(ids.map((id) => id.slice(-10))).size).toBe(ids.length);
  });
});
