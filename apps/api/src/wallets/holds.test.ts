import { cashHoldFor } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { holdAfterAmend, sharesCovered, type OrderHold } from './holds.js';

describe('sharesCovered', () => {
  it('is the most shares whose hold fits, for every amount around a few prices and fee rates', () => {
    for (const price of [100n, 2999n, 3001n, 100_000n]) {
      for (const feeBps of [0, 3, 25]) {
        for (let shares = 0n; shares < 40n; shares += 1n) {
          const exact = cashHoldFor(shares, price, feeBps);
          for (const amount of [exact, exact + 1n, cashHoldFor(shares + 1n, price, feeBps) - 1n]) {
            expect(sharesCovered(amount, price, feeBps)).toBe(shares);
          }
        }
      }
    }
  });
});

describe('holdAfterAmend', () => {
  const buy = (shares: bigint, price: bigint): OrderHold => ({
    side: 'buy',
    amount: cashHoldFor(shares, price, 3),
    price,
    feeBps: 3,
  });

  it('holds a raised price for what the hold covers now when the amend leaves the quantity as it is', () => {
    // 100 at 10.00, and an amend to 200 on its way: the hold covers 200, and a new price must too.
    expect(holdAfterAmend(buy(200n, 1000n), 0n, { price: 2500, quantity: null })).toEqual({
      amount: cashHoldFor(200n, 2500n, 3),
      price: 2500n,
    });
  });

  it('holds the larger of what the hold covers and the new quantity, less what has filled', () => {
    expect(holdAfterAmend(buy(60n, 1000n), 40n, { price: null, quantity: 150 })).toEqual({
      amount: cashHoldFor(110n, 1000n, 3),
      price: 1000n,
    });
    expect(holdAfterAmend(buy(100n, 1000n), 0n, { price: 2500, quantity: 50 })).toEqual({
      amount: cashHoldFor(100n, 2500n, 3),
      price: 2500n,
    });
  });

  it('holds nothing more for a lower price or a smaller quantity', () => {
    const held = buy(100n, 2500n);
    expect(holdAfterAmend(held, 0n, { price: 1000, quantity: 50 })).toEqual({ amount: held.amount, price: 2500n });
  });

  it("holds a sell's new quantity in shares", () => {
    const sell: OrderHold = { side: 'sell', amount: 30n, price: null, feeBps: 3 };
    expect(holdAfterAmend(sell, 10n, { price: 2000, quantity: 90 })).toEqual({ amount: 80n, price: null });
    expect(holdAfterAmend(sell, 10n, { price: null, quantity: 20 })).toEqual({ amount: 30n, price: null });
  });
});
