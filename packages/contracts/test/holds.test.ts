import { describe, expect, it } from 'vitest';
import { buyHoldPrice, cashHoldFor, feeOn } from '../src/holds.js';
import { PETR4 } from './fixtures.js';

describe('what a buy holds', () => {
  it('rounds fees down, so the fees of several fills never exceed the hold', () => {
    expect(feeOn(333n, 3)).toBe(0n);
    expect(feeOn(400_00n, 3)).toBe(12n);
    expect(cashHoldFor(10n, 40_00n, 3)).toBe(400_12n);
    expect(feeOn(200_00n, 3) + feeOn(200_00n, 3)).toBeLessThanOrEqual(feeOn(400_00n, 3));
  });

  it('holds at the limit, else the protection price, else the band top', () => {
    expect(buyHoldPrice({ orderType: 'limit', price: 38_00 }, PETR4, 41_80)).toBe(38_00);
    expect(buyHoldPrice({ orderType: 'stop_limit', price: 39_00 }, PETR4, null)).toBe(39_00);
    expect(buyHoldPrice({ orderType: 'market', price: null }, PETR4, 41_80)).toBe(41_80);
    expect(buyHoldPrice({ orderType: 'stop_market', price: null }, PETR4, null)).toBe(PETR4.priceBand!.max);
    expect(buyHoldPrice({ orderType: 'market', price: null }, { ...PETR4, priceBand: null }, null)).toBeNull();
  });
});
