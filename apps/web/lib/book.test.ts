import type { LevelDeltaView, OrderView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { applyLevelDeltas, bookFromSnapshot, ladder, ownLevels } from './book';

const snapshot = bookFromSnapshot({
  symbol: 'PETR4',
  sequence: 10,
  bids: [
    { price: '35.00', quantity: '100', orderCount: 2 },
    { price: '34.90', quantity: '50', orderCount: 1 },
  ],
  asks: [{ price: '35.10', quantity: '30', orderCount: 1 }],
  uncross: null,
});

const delta = (sequence: number, side: 'buy' | 'sell', price: string, quantity: string): LevelDeltaView => ({
  symbol: 'PETR4',
  sequence,
  side,
  price,
  quantity,
  orderCount: quantity === '0' ? 0 : 1,
});

describe('the L2 book', () => {
  it('orders each side best first and measures the spread and the deepest level', () => {
    const view = ladder(snapshot, 10);
    expect(view.bids.map((l) => l.price)).toEqual(['35.00', '34.90']);
    expect(view.asks.map((l) => l.price)).toEqual(['35.10']);
    expect(view.spread).toBe(10);
    expect(view.maxQuantity).toBe(100);
  });

  it('applies deltas after the snapshot: new levels, changed totals, and levels that emptied', () => {
    const next = applyLevelDeltas(snapshot, [
      delta(11, 'sell', '35.05', '20'),
      delta(12, 'buy', '35.00', '0'),
      delta(13, 'buy', '34.90', '70'),
    ]);
    const view = ladder(next, 10);
    expect(view.bids.map((l) => [l.price, l.quantity])).toEqual([['34.90', 70]]);
    expect(view.asks.map((l) => l.price)).toEqual(['35.05', '35.10']);
    expect(next.sequence).toBe(13);
    expect(ladder(snapshot, 10).bids).toHaveLength(2);
  });

  it('skips deltas the snapshot already includes (they arrived while it loaded)', () => {
    const next = applyLevelDeltas(snapshot, [delta(9, 'buy', '35.00', '0'), delta(10, 'sell', '35.10', '0')]);
    expect(next).toBe(snapshot);
  });

  it('gives a crossed book (the pre-opening auction) the price it opens at, counting levels beyond the depth', () => {
    expect(ladder(snapshot, 10).uncross).toBeNull();
    const crossed = applyLevelDeltas(snapshot, [delta(11, 'sell', '34.80', '120'), delta(12, 'buy', '35.20', '40')]);
    // At 35.00 the bids from 35.00 up (140) meet the asks to 35.00 (120): the most that can trade, 120.
    expect(ladder(crossed, 1).uncross).toEqual({ price: 3500, quantity: 120, imbalance: 20 });
    // Two prices as good: the one nearer the last trade.
    const even = applyLevelDeltas(snapshot, [
      delta(11, 'buy', '34.90', '0'),
      delta(12, 'sell', '34.90', '100'),
      delta(13, 'sell', '35.10', '0'),
    ]);
    expect(ladder(even, 10, 3491).uncross).toEqual({ price: 3490, quantity: 100, imbalance: 0 });
    expect(ladder(even, 10, 3499).uncross).toEqual({ price: 3500, quantity: 100, imbalance: 0 });
  });

  it('shows no spread when a side is empty and cuts each side at the depth', () => {
    const emptyAsks = applyLevelDeltas(snapshot, [delta(11, 'sell', '35.10', '0')]);
    expect(ladder(emptyAsks, 10).spread).toBeNull();
    expect(ladder(snapshot, 1).bids).toHaveLength(1);
  });
});

describe('ownLevels', () => {
  const order = (fields: Partial<OrderView>): OrderView => ({
    orderId: '01930000-0000-7000-8000-000000000000',
    accountId: '01930000-0000-7000-8000-000000000001',
    clientOrderId: null,
    symbol: 'PETR4',
    side: 'sell',
    type: 'limit',
    timeInForce: 'GTC',
    expiresOn: null,
    price: '35.10',
    stopPrice: null,
    trailingOffset: null,
    protectionPrice: null,
    quantity: '10',
    filledQuantity: '0',
    filledValue: '0.00',
    averagePrice: null,
    status: 'open',
    statusReason: null,
    amendPending: false,
    triggeredAt: null,
    createdAt: '2026-12-03T13:00:00.000Z',
    updatedAt: '2026-12-03T13:00:00.000Z',
    ...fields,
  });

  it('sums what is unfilled of the orders resting at each price, and leaves out what is not in the book', () => {
    const levels = ownLevels(
      [
        order({}),
        order({ quantity: '5', filledQuantity: '2', status: 'partially_filled' }),
        order({ side: 'buy', price: '35.00' }),
        order({ status: 'pending', price: '35.20' }),
        order({ symbol: 'VALE3', price: '35.30' }),
        order({ type: 'stop_limit', stopPrice: '34.00', price: '35.40' }),
        order({ type: 'stop_limit', stopPrice: '36.00', price: '35.50', triggeredAt: '2026-12-03T13:01:00.000Z' }),
        order({ type: 'market', price: null, protectionPrice: '38.00' }),
      ],
      'PETR4',
    );
    expect([...levels]).toEqual([
      ['sell:3510', 13],
      ['buy:3500', 10],
      ['sell:3550', 10],
    ]);
  });
});
