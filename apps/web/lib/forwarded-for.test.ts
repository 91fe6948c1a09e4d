import { describe, expect, it } from 'vitest';
import { forwardedFor } from './forwarded-for';

describe('forwardedFor', () => {
  it('names the address the request came from when it says nothing', () => {
    expect(forwardedFor(undefined, '203.0.113.5')).toBe('203.0.113.5');
    expect(forwardedFor('  ', '2001:db8::7')).toBe('2001:db8::7');
  });

  it("appends it to the addresses the request names, so a client's own claim is never the last word", () => {
    expect(forwardedFor('198.51.100.7', '203.0.113.5')).toBe('198.51.100.7, 203.0.113.5');
    expect(forwardedFor('198.51.100.7, 10.0.0.2', '10.0.0.3')).toBe('198.51.100.7, 10.0.0.2, 10.0.0.3');
  });

  it('writes an IPv4 client of a dual-stack socket as its dotted address', () => {
    expect(forwardedFor(undefined, '::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(forwardedFor(undefined, '::ffff:cb00:7105')).toBe('::ffff:cb00:7105');
  });

  it('hands on nothing when the socket is gone, rather than what the client claimed', () => {
    expect(forwardedFor('198.51.100.7', undefined)).toBeUndefined();
  });
});
