import { describe, expect, it } from 'vitest';
import { orderProtection, protectionPrice, type Instrument } from '../src/index.js';
import { PETR4 } from './fixtures.js';

describe('protectionPrice', () => {
  it('moves the reference 10% against the order', () => {
    expect(protectionPrice(PETR4, 'buy', 3_800)).toBe(4_180);
    expect(protectionPrice(PETR4, 'sell', 3_800)).toBe(3_420);
  });

  it('rounds outwards onto the tick', () => {
    const fives: Instrument = { ...PETR4, tickSize: 5, priceBand: null };
    expect(protectionPrice(fives, 'buy', 1_005)).toBe(1_110); // 1105.5 up to the next tick
    expect(protectionPrice(fives, 'sell', 1_005)).toBe(900); // 904.5 down to the tick below
    expect(protectionPrice({ ...PETR4, priceBand: null }, 'buy', 3_801)).toBe(4_182); // 4181.1
  });

  it('stays inside the price band', () => {
    expect(protectionPrice(PETR4, 'buy', 99_000)).toBe(100_000);
    expect(protectionPrice(PETR4, 'sell', 105)).toBe(100);
  });

  it('never goes below one tick without a band', () => {
    expect(protectionPrice({ ...PETR4, priceBand: null }, 'sell', 1)).toBe(1);
  });
});

describe('orderProtection', () => {
  it('starts a market order from the market price and a stop-market order from its stop price', () => {
    const market = { orderType: 'market', side: 'buy', stopPrice: null } as const;
    expect(orderProtection(PETR4, market, 3_800)).toBe(4_180);
    expect(orderProtection(PETR4, { ...market, side: 'sell' }, 3_800)).toBe(3_420);
    expect(orderProtection(PETR4, { orderType: 'stop_market', side: 'buy', stopPrice: 4_000 }, 3_800)).toBe(4_400);
  });

  it('gives none to limit orders, nor without a positive price to start from', () => {
    expect(orderProtection(PETR4, { orderType: 'limit', side: 'buy', stopPrice: null }, 3_800)).toBeNull();
    expect(orderProtection(PETR4, { orderType: 'stop_limit', side: 'buy', stopPrice: 4_000 }, 3_800)).toBeNull();
    expect(orderProtection(PETR4, { orderType: 'market', side: 'buy', stopPrice: null }, null)).toBeNull();
    expect(orderProtection(PETR4, { orderType: 'stop_market', side: 'buy', stopPrice: 0 }, 3_800)).toBeNull();
  });
});
