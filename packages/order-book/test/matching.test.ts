import { describe, expect, it } from 'vitest';
import { STP_NONE } from '../src/index.js';
import { BUY, FOK, Harness, IOC, MARKET, only, SELL, type Event } from './harness.js';

describe('price-time priority', () => {
  it('fills the better price first, then the earlier order at a price, at the resting price', () => {
    const h = new Harness();
    h.sell(1, 101, 5);
    h.sell(2, 100, 5);
    h.sell(3, 100, 5);
    expect(h.buy(4, 102, 12)).toEqual<Event[]>([
      ['accepted', 4],
      ['trade', 100, 5, BUY, 2, 4],
      ['filled', 2, 5],
      ['trade', 100, 5, BUY, 3, 4],
      ['filled', 3, 5],
      ['level', SELL, 100, 0, 0],
      ['trade', 101, 2, BUY, 1, 4],
      ['updated', 1, 'partially_filled', 101, 0, 5, 3],
      ['level', SELL, 101, 3, 1],
      ['filled', 4, 12],
    ]);
    expect(h.side(SELL)).toEqual([[101, 3, 1]]);
  });

  it('rests the unfilled part of a limit order and says it partly filled', () => {
    const h = new Harness();
    h.sell(1, 100, 3);
    expect(h.buy(2, 100, 10)).toEqual<Event[]>([
      ['accepted', 2],
      ['trade', 100, 3, BUY, 1, 2],
      ['filled', 1, 3],
      ['level', SELL, 100, 0, 0],
      ['updated', 2, 'partially_filled', 100, 0, 10, 7],
      ['level', BUY, 100, 7, 1],
    ]);
    expect(h.side(BUY)).toEqual([[100, 7, 1]]);
    expect(h.side(SELL)).toEqual([]);
  });

  it('does not trade when prices do not cross', () => {
    const h = new Harness();
    h.sell(1, 101, 3);
    expect(h.buy(2, 100, 3)).toEqual<Event[]>([
      ['accepted', 2],
      ['level', BUY, 100, 3, 1],
    ]);
    expect(h.book.bestBid()).toBe(100);
    expect(h.book.bestAsk()).toBe(101);
  });

  it('sweeps many levels on the sell side too, best bid first', () => {
    const h = new Harness();
    for (let i = 0; i < 10; i++) h.buy(i + 1, 100 - i, 1);
    const events = h.sell(99, 91, 10);
    const trades = events.filter((event) => event[0] === 'trade');
    expect(trades.map((trade) => trade[1])).toEqual([100, 99, 98, 97, 96, 95, 94, 93, 92, 91]);
    expect(trades.every((trade) => trade[3] === SELL)).toBe(true);
    expect(h.book.liveOrders).toBe(0);
  });
});

describe('market orders', () => {
  it('walk the book and drop the remainder', () => {
    const h = new Harness();
    h.sell(1, 100, 2);
    h.sell(2, 105, 2);
    expect(h.buy(3, 0, 5)).toEqual<Event[]>([
      ['accepted', 3],
      ['trade', 100, 2, BUY, 1, 3],
      ['filled', 1, 2],
      ['level', SELL, 100, 0, 0],
      ['trade', 105, 2, BUY, 2, 3],
      ['filled', 2, 2],
      ['level', SELL, 105, 0, 0],
      ['cancelled', 3, 'no_liquidity', 4, 1],
    ]);
  });

  it('are cancelled whole on an empty book', () => {
    const h = new Harness();
    expect(h.sell(1, 0, 5)).toEqual<Event[]>([
      ['accepted', 1],
      ['cancelled', 1, 'no_liquidity', 0, 5],
    ]);
  });

  it('stop at their protection price, the rest cancelled as at the band', () => {
    const h = new Harness();
    h.sell(1, 100, 2);
    h.sell(2, 105, 2);
    h.sell(3, 111, 2);
    const events = h.buy(4, 105, 10, { kind: MARKET });
    expect(only(events, 'trade')).toEqual<Event[]>([
      ['trade', 100, 2, BUY, 1, 4],
      ['trade', 105, 2, BUY, 2, 4],
    ]);
    expect(events.at(-1)).toEqual(['cancelled', 4, 'no_liquidity', 4, 6]);
    expect(h.side(SELL)).toEqual([[111, 2, 1]]);
  });

  it('sell down to their protection price and no further', () => {
    const h = new Harness();
    h.buy(1, 100, 2);
    h.buy(2, 94, 2);
    const events = h.sell(3, 95, 5, { kind: MARKET });
    expect(only(events, 'trade')).toEqual<Event[]>([['trade', 100, 2, SELL, 1, 3]]);
    expect(events.at(-1)).toEqual(['cancelled', 3, 'no_liquidity', 2, 3]);
  });

  it('as FOK, count only what lies within their protection price', () => {
    const h = new Harness();
    h.sell(1, 100, 2);
    h.sell(2, 110, 5);
    expect(h.buy(3, 105, 5, { kind: MARKET, tif: FOK })).toEqual<Event[]>([
      ['accepted', 3],
      ['cancelled', 3, 'fill_or_kill', 0, 5],
    ]);
    expect(h.buy(4, 110, 5, { kind: MARKET, tif: FOK }).at(-1)).toEqual(['filled', 4, 5]);
  });

  it('refuse a protection price whose tick number an order record cannot hold', () => {
    const h = new Harness();
    h.sell(1, 100, 2);
    expect(h.buy(2, 2 ** 31, 1, { kind: MARKET })).toEqual<Event[]>([['rejected', 2, 'price_out_of_band']]);
    expect(h.side(SELL)).toEqual([[100, 2, 1]]);
  });

  it('never trade outside the price band because nothing rests outside it', () => {
    const h = new Harness({ tickSize: 1, lotSize: 1, priceBand: { min: 90, max: 110 } });
    expect(h.sell(1, 111, 1)).toEqual<Event[]>([['rejected', 1, 'price_out_of_band']]);
    h.sell(2, 110, 1);
    const events = h.buy(3, 0, 2);
    expect(events).toContainEqual(['trade', 110, 1, BUY, 2, 3]);
    expect(events.at(-1)).toEqual(['cancelled', 3, 'no_liquidity', 1, 1]);
  });
});

describe('time in force', () => {
  it('IOC takes what it can and cancels the rest', () => {
    const h = new Harness();
    h.sell(1, 100, 2);
    expect(h.buy(2, 100, 5, { tif: IOC }).at(-1)).toEqual(['cancelled', 2, 'immediate_or_cancel', 2, 3]);
    expect(h.side(BUY)).toEqual([]);
  });

  it('FOK fills completely or not at all, checking before any fill', () => {
    const h = new Harness();
    h.sell(1, 100, 2);
    h.sell(2, 101, 2);
    expect(h.buy(3, 101, 5, { tif: FOK })).toEqual<Event[]>([
      ['accepted', 3],
      ['cancelled', 3, 'fill_or_kill', 0, 5],
    ]);
    expect(h.side(SELL)).toEqual([
      [100, 2, 1],
      [101, 2, 1],
    ]);
    expect(h.buy(4, 100, 3, { tif: FOK }).at(-1)).toEqual(['cancelled', 4, 'fill_or_kill', 0, 3]);
    const filled = h.buy(5, 101, 4, { tif: FOK });
    expect(filled.at(-1)).toEqual(['filled', 5, 4]);
    expect(h.book.liveOrders).toBe(0);
  });

  it('DAY orders expire at end of day, resting or waiting for their stop; GTC stays', () => {
    const h = new Harness();
    h.buy(1, 99, 5, { tif: 1 });
    h.buy(2, 99, 5);
    h.buy(3, 98, 5, { tif: 1 });
    h.sell(4, 101, 5, { tif: 1 });
    h.sell(5, 0, 5, { kind: 3, stop: 90, tif: 1 });
    expect(h.endOfDay()).toEqual<Event[]>([
      ['expired', 1, 0, 5],
      ['level', BUY, 99, 5, 1],
      ['expired', 3, 0, 5],
      ['level', BUY, 98, 0, 0],
      ['expired', 4, 0, 5],
      ['level', SELL, 101, 0, 0],
      ['expired', 5, 0, 5],
    ]);
    expect(h.side(BUY)).toEqual([[99, 5, 1]]);
    expect(h.book.liveOrders).toBe(1);
  });

  it('a close can leave the DAY orders it does not pick (placed after it) for the next one', () => {
    const h = new Harness();
    h.buy(1, 99, 5, { tif: 1 });
    h.buy(2, 99, 5, { tif: 1 });
    h.sell(3, 0, 5, { kind: 3, stop: 90, tif: 1 });
    h.sell(4, 0, 5, { kind: 3, stop: 91, tif: 1 });
    const beforeTheClose = (id: number) => id === 1 || id === 4;
    expect(h.endOfDay(beforeTheClose)).toEqual<Event[]>([
      ['expired', 1, 0, 5],
      ['level', BUY, 99, 5, 1],
      ['expired', 4, 0, 5],
    ]);
    expect(h.endOfDay()).toEqual<Event[]>([
      ['expired', 2, 0, 5],
      ['level', BUY, 99, 0, 0],
      ['expired', 3, 0, 5],
    ]);
  });

  it('post-only is rejected when it would take, and rests when it would not', () => {
    const h = new Harness();
    h.sell(1, 100, 5);
    expect(h.buy(2, 100, 5, { postOnly: true })).toEqual<Event[]>([['rejected', 2, 'post_only_would_take']]);
    expect(h.buy(3, 99, 5, { postOnly: true })).toEqual<Event[]>([
      ['accepted', 3],
      ['level', BUY, 99, 5, 1],
    ]);
  });
});

describe('cancel', () => {
  it('removes the order and its level, once', () => {
    const h = new Harness();
    h.buy(1, 100, 5);
    h.buy(2, 100, 7);
    expect(h.cancel(1)).toEqual<Event[]>([
      ['cancelled', 1, 'requested', 0, 5],
      ['level', BUY, 100, 7, 1],
    ]);
    expect(h.cancel(1)).toEqual<Event[]>([['rejected', 1, 'unknown_order']]);
    expect(h.cancel(2)).toEqual<Event[]>([
      ['cancelled', 2, 'requested', 0, 7],
      ['level', BUY, 100, 0, 0],
    ]);
    expect(h.book.bestBid()).toBe(0);
  });

  it('reports what filled before the cancel', () => {
    const h = new Harness();
    h.buy(1, 100, 5);
    h.sell(2, 100, 2);
    expect(h.cancel(1)[0]).toEqual(['cancelled', 1, 'requested', 2, 3]);
  });

  it('refuses another account', () => {
    const h = new Harness();
    h.buy(1, 100, 5, { account: 7 });
    expect(h.cancel(1, 8)).toEqual<Event[]>([['rejected', 1, 'not_order_owner']]);
    expect(h.cancel(1, 7)[0]).toEqual(['cancelled', 1, 'requested', 0, 5]);
  });

  it('of an order that filled is refused, and leaves the order now in its record alone', () => {
    const h = new Harness();
    h.buy(1, 100, 5);
    h.sell(2, 100, 5);
    // The records of 1 and 2 go to 3 and 4.
    h.buy(3, 90, 4);
    h.buy(4, 91, 6);
    for (const ended of [1, 2]) expect(h.cancel(ended)).toEqual<Event[]>([['rejected', ended, 'unknown_order']]);
    expect(h.side(BUY)).toEqual([
      [91, 6, 1],
      [90, 4, 1],
    ]);
    expect(h.book.liveOrders).toBe(2);
  });

  it('of an id no order can have is refused, whatever order is live', () => {
    const h = new Harness();
    h.buy(1, 100, 5);
    for (const id of [1.5, -1, Number.NaN, 2 ** 32 + 1]) {
      expect(h.cancel(id)).toEqual<Event[]>([['rejected', id, 'unknown_order']]);
    }
    expect(h.side(BUY)).toEqual([[100, 5, 1]]);
  });

  it('lets the structural check see an ended order that is still indexed', () => {
    const h = new Harness();
    h.buy(1, 100, 5);
    h.cancel(1);
    expect(h.book.validateInternalState()).toEqual([]);
    h.book.index.set(1, 0);
    expect(h.book.validateInternalState()).toEqual(['0 live orders, 1 indexed']);
  });

  it('is O(1) in the middle of a long level', () => {
    const h = new Harness();
    for (let id = 1; id <= 1000; id++) h.buy(id, 100, 1);
    h.cancel(500);
    h.cancel(1);
    h.cancel(1000);
    expect(h.side(BUY)).toEqual([[100, 997, 997]]);
    const fills = h.sell(2000, 100, 3).filter((event) => event[0] === 'trade');
    expect(fills.map((fill) => fill[4])).toEqual([2, 3, 4]);
  });
});

describe('amend', () => {
  it('keeps time priority when only the quantity goes down', () => {
    const h = new Harness();
    h.buy(1, 100, 10);
    h.buy(2, 100, 10);
    expect(h.amend(1, 0, 4)).toEqual<Event[]>([
      ['updated', 1, 'amended', 100, 0, 4, 4],
      ['level', BUY, 100, 14, 2],
    ]);
    expect(h.sell(3, 100, 4).filter((event) => event[0] === 'trade')).toEqual([['trade', 100, 4, SELL, 1, 3]]);
  });

  it('loses time priority when the quantity goes up or the price changes', () => {
    const h = new Harness();
    h.buy(1, 100, 10);
    h.buy(2, 100, 10);
    h.amend(1, 0, 11);
    expect(h.sell(3, 100, 1).filter((event) => event[0] === 'trade')).toEqual([['trade', 100, 1, SELL, 2, 3]]);
    h.buy(4, 100, 5);
    h.amend(2, 101, 0);
    h.amend(2, 100, 0);
    const makers = h.sell(5, 100, 30).flatMap((event) => (event[0] === 'trade' ? [event[4]] : []));
    expect(makers).toEqual([1, 4, 2]);
  });

  it('trades when the new price crosses', () => {
    const h = new Harness();
    h.sell(1, 101, 5);
    h.buy(2, 100, 8);
    expect(h.amend(2, 101, 0)).toEqual<Event[]>([
      ['updated', 2, 'amended', 101, 0, 8, 8],
      ['level', BUY, 100, 0, 0],
      ['trade', 101, 5, BUY, 1, 2],
      ['filled', 1, 5],
      ['level', SELL, 101, 0, 0],
      ['updated', 2, 'partially_filled', 101, 0, 8, 3],
      ['level', BUY, 101, 3, 1],
    ]);
  });

  it.each<[string, () => Harness, number, number, number, string]>([
    ['quantity at or below what filled', filledThree, 1, 0, 3, 'quantity_below_filled'],
    ['nothing changes', filledThree, 1, 100, 10, 'invalid_order'],
    ['an unknown order', filledThree, 42, 100, 5, 'unknown_order'],
    ['a price off the tick', () => banded(), 1, 1005, 0, 'off_tick'],
    ['a price outside the band', () => banded(), 1, 5000, 0, 'price_out_of_band'],
    ['a quantity off the lot', () => banded(), 1, 0, 15, 'off_lot'],
    ['the price of a stop-market order', stopMarket, 1, 105, 0, 'not_amendable'],
    ['a post-only order into the other side', postOnlyBid, 1, 101, 0, 'post_only_would_take'],
  ])('is rejected for %s', (_name, setUp, id, price, quantity, reason) => {
    const h = setUp();
    expect(h.amend(id, price, quantity)).toEqual<Event[]>([['rejected', id, reason]]);
  });

  it('changes a waiting stop order, moving it behind equal stops when it grows', () => {
    const h = new Harness();
    h.sell(1, 100, 1);
    h.buy(2, 100, 1);
    h.buy(3, 0, 2, { kind: 3, stop: 105 });
    h.buy(4, 0, 2, { kind: 3, stop: 105 });
    expect(h.amend(3, 0, 5)).toEqual<Event[]>([['updated', 3, 'amended', 0, 105, 5, 5]]);
    h.sell(5, 105, 1);
    const events = h.buy(6, 105, 1);
    expect(events.filter((event) => event[0] === 'stop').map((event) => event[1])).toEqual([4, 3]);
  });
});

function filledThree(): Harness {
  const h = new Harness();
  h.buy(1, 100, 10);
  h.sell(2, 100, 3);
  h.take();
  return h;
}

function banded(): Harness {
  const h = new Harness({ tickSize: 10, lotSize: 10, priceBand: { min: 500, max: 2000 } });
  h.buy(1, 1000, 20);
  h.take();
  return h;
}

function stopMarket(): Harness {
  const h = new Harness();
  h.buy(1, 0, 5, { kind: 3, stop: 110 });
  return h;
}

function postOnlyBid(): Harness {
  const h = new Harness();
  h.sell(2, 101, 5);
  h.buy(1, 100, 5, { postOnly: true });
  return h;
}

describe('validation inside the core', () => {
  const band = { tickSize: 5, lotSize: 100, priceBand: { min: 100, max: 10_000 } };
  it.each<[string, number, number, number, object, string]>([
    ['a price off the tick', 1003, 100, 0, {}, 'off_tick'],
    ['a quantity off the lot', 1000, 150, 0, {}, 'off_lot'],
    ['a price above the band', 10_005, 100, 0, {}, 'price_out_of_band'],
    ['a price below the band', 95, 100, 0, {}, 'price_out_of_band'],
    ['a stop price outside the band', 0, 100, 0, { kind: 3, stop: 20_000 }, 'price_out_of_band'],
    ['a stop price off the tick', 0, 100, 0, { kind: 3, stop: 1001 }, 'off_tick'],
    ['a zero quantity', 1000, 0, 0, {}, 'invalid_order'],
    ['a fractional quantity', 1000, 100.5, 0, {}, 'invalid_order'],
    ['a market order with GTC', 0, 100, 0, { tif: 0 }, 'invalid_order'],
    ['a protection price off the tick', 1003, 100, 0, { kind: MARKET }, 'off_tick'],
    ['a protection price above the band', 10_005, 100, 0, { kind: MARKET }, 'price_out_of_band'],
    ['a stop-market protection price below the band', 95, 100, 0, { kind: 3, stop: 1000 }, 'price_out_of_band'],
    ['a limit order without a price', 0, 100, 0, { kind: 0 }, 'invalid_order'],
    ['a stop order without a stop price', 1000, 100, 0, { kind: 2 }, 'invalid_order'],
    ['a stop order that is IOC', 1000, 100, 0, { kind: 2, stop: 1000, tif: IOC }, 'invalid_order'],
    ['a post-only IOC', 1000, 100, 0, { postOnly: true, tif: IOC }, 'invalid_order'],
    ['a trailing offset on a limit order', 1000, 100, 0, { trail: 5 }, 'invalid_order'],
    ['a negative account', 1000, 100, 0, { account: -5 }, 'invalid_order'],
    ['an unknown self-trade mode', 1000, 100, 0, { stp: 9 }, 'invalid_order'],
  ])('rejects %s with a reason, never throwing', (_name, price, quantity, _unused, options, reason) => {
    const h = new Harness(band);
    expect(h.buy(1, price, quantity, options)).toEqual<Event[]>([['rejected', 1, reason]]);
    expect(h.book.liveOrders).toBe(0);
  });

  it('rejects a duplicate live order id', () => {
    const h = new Harness();
    h.buy(1, 100, 1);
    expect(h.sell(1, 200, 1)).toEqual<Event[]>([['rejected', 1, 'duplicate_order_id']]);
  });

  it('accepts an id again once its order has ended', () => {
    const h = new Harness();
    h.buy(1, 100, 1);
    h.cancel(1);
    expect(h.buy(1, 100, 1)[0]).toEqual(['accepted', 1]);
  });

  it('refuses a book configuration that makes no sense', () => {
    expect(() => new Harness({ tickSize: 0, lotSize: 1, priceBand: null })).toThrow(RangeError);
    expect(() => new Harness({ tickSize: 5, lotSize: 1, priceBand: { min: 7, max: 100 } })).toThrow(RangeError);
  });

  it('without a band, grows the ladder both ways and refuses prices too far apart', () => {
    const h = new Harness({ tickSize: 1, lotSize: 1, priceBand: null, maxPriceSpan: 1 << 16 });
    h.buy(1, 30_000, 1);
    h.buy(2, 50, 1);
    h.sell(3, 60_000, 1);
    expect(h.side(BUY)).toEqual([
      [30_000, 1, 1],
      [50, 1, 1],
    ]);
    expect(h.sell(4, 200_000, 1)).toEqual<Event[]>([['rejected', 4, 'price_out_of_band']]);
    expect(h.sell(5, 0, 2, { stp: STP_NONE }).filter((event) => event[0] === 'trade').length).toBe(2);
  });
});
