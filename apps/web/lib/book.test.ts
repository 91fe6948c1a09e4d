import type { LevelDeltaView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { applyLevelDeltas, bookFromSnapshot, ladder } from './book';

const snapshot = bookFromSnapshot({
  symbol: 'PETR4',
  sequence: 10,
  bids: [
    { price: '35.00', quantity: '100', orderCount: 2 },
    { price: '34.90', quantity: '50', orderCount: 1 },
  ],
  asks: [{ price: '35.10', quantity: '30', orderCount: 1 }],
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

  it('shows no spread when a side is empty and cuts each side at the depth', () => {
    const emptyAsks = applyLevelDeltas(snapshot, [delta(11, 'sell', '35.10', '0')]);
    expect(ladder(emptyAsks, 10).spread).toBeNull();
    expect(ladder(snapshot, 1).bids).toHaveLength(1);
  });
});
