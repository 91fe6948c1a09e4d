import { describe, expect, it } from 'vitest';
import { averagePrice } from './order-view.js';

describe('averagePrice', () => {
  it.each([
    ['no fill yet', 0n, 0n, null],
    ['one price', 3800n * 10n, 10n, '38.00'],
    ['between cents, below the half: down', 3800n + 3801n * 2n, 3n, '38.01'],
    ['between cents, above the half: up', 3800n * 2n + 3801n, 3n, '38.00'],
    ['exactly half a cent: up', 3800n + 3801n, 2n, '38.01'],
    ['worth more than 2^53 cents', 9_000_000_000_000_000n * 3n, 3n, '90000000000000.00'],
  ])('%s', (_case, value, quantity, expected) => {
    expect(averagePrice(value, quantity)).toBe(expected);
  });
});
