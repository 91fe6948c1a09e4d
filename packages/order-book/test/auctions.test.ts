import { describe, expect, it } from 'vitest';
import { auctionUncross, OrderBook, STP_CANCEL_OLDEST, STP_DECREMENT_AND_CANCEL } from '../src/index.js';
import { BUY, FOK, Harness, IOC, only, recorder, SELL, STOP_LIMIT, STOP_MARKET, type Event } from './harness.js';

const level = (price: number, quantity: number) => ({ price, quantity });

describe('the uncross price', () => {
  it.each([
    // [case, bids best first, asks best first, reference, price, quantity, imbalance]
    ['none when the book does not cross', [level(99, 5)], [level(100, 5)], 0, null, 0, 0],
    ['none with one side empty', [level(101, 5)], [], 0, null, 0, 0],
    ['the price that trades the most', [level(102, 3), level(101, 4)], [level(100, 2), level(101, 6)], 0, 101, 7, -1],
    ['then the least left over', [level(103, 5), level(102, 1)], [level(101, 5), level(103, 3)], 0, 102, 5, 1],
    ['then, buyers left over at each, the highest', [level(103, 8)], [level(101, 2), level(102, 3)], 0, 103, 5, 3],
    ['then, sellers left over at each, the lowest', [level(103, 3), level(102, 2)], [level(101, 9)], 0, 101, 5, -4],
    ['then the nearest to the last trade', [level(105, 5)], [level(101, 5)], 104, 105, 5, 0],
    ['the lower of two as near', [level(105, 5)], [level(101, 5)], 103, 101, 5, 0],
    ['the lowest without a last trade', [level(105, 5)], [level(101, 5)], 0, 101, 5, 0],
  ] as const)('%s', (_case, bids, asks, reference, price, quantity, imbalance) => {
    const found = auctionUncross(bids, asks, reference);
    expect(found).toEqual(price === null ? null : { price, quantity, imbalance });
  });
});

describe('a call auction', () => {
  it('rests crossing orders without trading, then trades them all at one price in price-time priority', () => {
    const h = new Harness();
    h.sell(1, 100, 5);
    h.book.startAuction();
    expect(h.book.inAuction).toBe(true);
    expect(h.buy(2, 102, 4)).toEqual<Event[]>([
      ['accepted', 2],
      ['level', BUY, 102, 4, 1],
    ]);
    h.buy(3, 101, 6);
    h.sell(4, 101, 3);
    h.buy(5, 101, 2);
    expect(h.side(BUY)).toEqual([
      [102, 4, 1],
      [101, 8, 2],
    ]);
    expect(h.side(SELL)).toEqual([
      [100, 5, 1],
      [101, 3, 1],
    ]);
    expect(h.book.uncrossPrice()).toEqual({ price: 101, quantity: 8, imbalance: 4 });
    // The levels that cross, and no others, are what it counts.
    expect(h.book.depth(BUY, 10, 100).map((level) => level.price)).toEqual([102, 101]);
    expect(h.book.depth(SELL, 10, 100).map((level) => level.price)).toEqual([100]);

    h.book.uncross();
    const events = h.take();
    // Buyers are left over, so they take: the best bid first, then the 101 bids in the order they came.
    expect(only(events, 'trade')).toEqual<Event[]>([
      ['trade', 101, 4, BUY, 1, 2],
      ['trade', 101, 1, BUY, 1, 3],
      ['trade', 101, 3, BUY, 4, 3],
    ]);
    expect(only(events, 'filled')).toEqual<Event[]>([
      ['filled', 2, 4],
      ['filled', 1, 5],
      ['filled', 4, 3],
    ]);
    expect(h.book.inAuction).toBe(false);
    expect(h.book.lastTradePrice).toBe(101);
    expect(h.side(BUY)).toEqual([[101, 4, 2]]);
    expect(h.side(SELL)).toEqual([]);
    // Trading is continuous again.
    expect(only(h.sell(6, 101, 1), 'trade')).toEqual<Event[]>([['trade', 101, 1, SELL, 3, 6]]);
  });

  it('refuses orders that could only take or only make, and lets stops wait for the uncross price', () => {
    const h = new Harness();
    h.sell(1, 100, 5);
    h.buy(2, 100, 2);
    expect(h.book.lastTradePrice).toBe(100);
    h.book.startAuction();
    expect(h.buy(3, 0, 1)).toEqual<Event[]>([['rejected', 3, 'auction_call']]);
    expect(h.buy(4, 101, 1, { tif: IOC })).toEqual<Event[]>([['rejected', 4, 'auction_call']]);
    expect(h.buy(5, 101, 1, { tif: FOK })).toEqual<Event[]>([['rejected', 5, 'auction_call']]);
    expect(h.sell(6, 110, 1, { postOnly: true })).toEqual<Event[]>([['rejected', 6, 'auction_call']]);
    // Already past the last trade, yet it waits: nothing trades in the auction.
    expect(h.buy(7, 0, 2, { kind: STOP_MARKET, stop: 99 })).toEqual<Event[]>([['accepted', 7]]);
    h.buy(8, 104, 1, { kind: STOP_LIMIT, stop: 103 });
    h.buy(9, 103, 3);
    h.sell(10, 103, 2);
    h.book.uncross();
    const events = h.take();
    // 3 trade at 100 or at 103: at 100 none is left over, so 100. That fires stop 7, whose trade at 103 fires 8.
    expect(only(events, 'trade')).toEqual<Event[]>([
      ['trade', 100, 3, BUY, 1, 9],
      ['trade', 103, 2, BUY, 10, 7],
    ]);
    expect(only(events, 'stop').map((event) => event[1])).toEqual([7, 8]);
    expect(h.side(BUY)).toEqual([[104, 1, 1]]);
  });

  it('takes a reference price, before the first trade, for the nearest-price step', () => {
    const h = new Harness();
    h.book.startAuction();
    h.buy(1, 105, 5);
    h.sell(2, 101, 5);
    expect(h.book.uncrossPrice(104)).toMatchObject({ price: 105 });
    expect(h.book.uncrossPrice()).toMatchObject({ price: 101 });
    h.book.uncross(104);
    expect(only(h.take(), 'trade')).toEqual<Event[]>([['trade', 105, 5, BUY, 2, 1]]);
  });

  it('stays in its auction while halted, and uncrosses after the resumption', () => {
    const h = new Harness();
    h.book.startAuction();
    h.buy(1, 101, 5);
    h.sell(2, 100, 5);
    h.halt();
    h.book.uncross();
    expect(h.take()).toEqual([]);
    expect(h.book.inAuction).toBe(true);
    h.resume();
    h.book.uncross();
    expect(only(h.take(), 'trade')).toEqual<Event[]>([['trade', 100, 5, BUY, 2, 1]]);
  });

  it("applies the taker's self-trade prevention to the orders of one account that meet", () => {
    const h = new Harness();
    h.book.startAuction();
    h.buy(1, 101, 5, { account: 7, stp: STP_CANCEL_OLDEST });
    h.buy(2, 101, 4, { account: 8 });
    h.sell(3, 100, 3, { account: 7 });
    h.sell(4, 101, 4, { account: 9, stp: STP_DECREMENT_AND_CANCEL });
    h.book.uncross();
    const events = h.take();
    // 9 bought, 7 offered: buyers over, so 1 takes with cancel-oldest, and its own ask 3 goes.
    expect(only(events, 'cancelled')).toEqual<Event[]>([['cancelled', 3, 'self_trade_prevention', 0, 3]]);
    expect(only(events, 'trade')).toEqual<Event[]>([['trade', 101, 4, BUY, 4, 1]]);
    expect(h.side(BUY)).toEqual([[101, 5, 2]]);
    expect(h.book.validateInternalState()).toEqual([]);
  });

  it('keeps its auction, crossed book and all, across a snapshot', () => {
    const h = new Harness();
    h.book.startAuction();
    h.buy(1, 101, 5);
    h.sell(2, 100, 3);
    const restoredLog: Event[] = [];
    const restored = OrderBook.restore(JSON.parse(JSON.stringify(h.book.snapshot())), recorder(restoredLog));
    expect(restored.inAuction).toBe(true);
    expect(restored.stateHash()).toBe(h.book.stateHash());
    expect(restored.validateInternalState()).toEqual([]);
    h.book.uncross();
    restored.uncross();
    expect(restoredLog).toEqual(h.take());
    expect(restored.stateHash()).toBe(h.book.stateHash());
  });

  it('changes the hash while in an auction, and leaves the hash of a book that never had one as it was', () => {
    const h = new Harness();
    h.buy(1, 99, 5);
    const before = h.book.stateHash();
    h.book.startAuction();
    expect(h.book.stateHash()).not.toBe(before);
    h.book.uncross();
    expect(h.book.stateHash()).toBe(before);
  });
});
