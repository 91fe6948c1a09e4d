import { describe, expect, it } from 'vitest';
import { OrderBook } from '../src/index.js';
import { BUY, DAY, Harness, recorder, SELL, STOP_MARKET, type Event } from './harness.js';

describe('trading halts', () => {
  it('rejects new orders of every kind and amends while halted, and emits nothing for the halt itself', () => {
    const h = new Harness();
    h.sell(1, 101, 5);
    h.buy(2, 99, 5);
    expect(h.halt()).toEqual([]);
    expect(h.book.isHalted).toBe(true);
    expect(h.buy(3, 101, 5)).toEqual<Event[]>([['rejected', 3, 'trading_halted']]);
    expect(h.sell(4, 0, 5)).toEqual<Event[]>([['rejected', 4, 'trading_halted']]);
    expect(h.buy(5, 0, 5, { kind: STOP_MARKET, stop: 102 })).toEqual<Event[]>([['rejected', 5, 'trading_halted']]);
    // The halt comes before the order's own checks: an off-band or malformed order gets the same answer.
    expect(h.buy(6, -1, 5)).toEqual<Event[]>([['rejected', 6, 'trading_halted']]);
    expect(h.amend(1, 0, 3)).toEqual<Event[]>([['rejected', 1, 'trading_halted']]);
    expect(h.amend(2, 101, 0)).toEqual<Event[]>([['rejected', 2, 'trading_halted']]);
    expect(h.side(SELL)).toEqual([[101, 5, 1]]);
    expect(h.side(BUY)).toEqual([[99, 5, 1]]);
    expect(h.book.liveOrders).toBe(2);
  });

  it('takes cancels and closes the day while halted', () => {
    const h = new Harness();
    h.sell(1, 101, 5);
    h.buy(2, 99, 5, { tif: DAY });
    h.halt();
    expect(h.cancel(1)).toEqual<Event[]>([
      ['cancelled', 1, 'requested', 0, 5],
      ['level', SELL, 101, 0, 0],
    ]);
    expect(h.endOfDay()).toEqual<Event[]>([
      ['expired', 2, 0, 5],
      ['level', BUY, 99, 0, 0],
    ]);
    expect(h.book.liveOrders).toBe(0);
  });

  it('trades again once resumed, the resting orders keeping their places', () => {
    const h = new Harness();
    h.sell(1, 100, 5);
    h.sell(2, 100, 5);
    h.halt();
    h.buy(3, 100, 5);
    expect(h.resume()).toEqual([]);
    expect(h.book.isHalted).toBe(false);
    expect(h.buy(4, 100, 5)).toEqual<Event[]>([
      ['accepted', 4],
      ['trade', 100, 5, BUY, 1, 4],
      ['filled', 1, 5],
      ['level', SELL, 100, 5, 1],
      ['filled', 4, 5],
    ]);
    // Halting or resuming twice is the same as once.
    h.resume();
    h.halt();
    h.halt();
    expect(h.buy(5, 100, 5)).toEqual<Event[]>([['rejected', 5, 'trading_halted']]);
  });

  it('is part of the state: snapshots keep it, the hash tells halted from trading', () => {
    const h = new Harness();
    h.sell(1, 100, 5);
    const trading = h.book.stateHash();
    const tradingSnapshot = h.book.snapshot();
    expect(tradingSnapshot).not.toHaveProperty('halted');
    h.halt();
    expect(h.book.stateHash()).not.toBe(trading);
    const snapshot = JSON.parse(JSON.stringify(h.book.snapshot())) as ReturnType<OrderBook['snapshot']>;
    const log: Event[] = [];
    const restored = OrderBook.restore(snapshot, recorder(log));
    expect(restored.isHalted).toBe(true);
    expect(restored.stateHash()).toBe(h.book.stateHash());
    restored.place(7, 7, BUY, 0, 0, 100, 0, 0, 5, false, 0);
    expect(log).toEqual<Event[]>([['rejected', 7, 'trading_halted']]);
    h.resume();
    expect(h.book.stateHash()).toBe(trading);
    expect(OrderBook.restore(tradingSnapshot, recorder([])).isHalted).toBe(false);
  });
});
