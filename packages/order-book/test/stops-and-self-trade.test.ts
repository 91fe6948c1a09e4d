import { describe, expect, it } from 'vitest';
import {
  ANY_ACCOUNT,
  GTC,
  LIMIT,
  OrderBook,
  STP_CANCEL_BOTH,
  STP_CANCEL_NEWEST,
  STP_CANCEL_OLDEST,
  STP_DECREMENT_AND_CANCEL,
  type BookSnapshot,
  type SelfTradePreventionCode,
} from '../src/index.js';
import { BUY, Harness, only, recorder, SELL, STOP_LIMIT, STOP_MARKET, type Event } from './harness.js';

/** A book whose last trade printed at `price`. */
function tradedAt(price: number, config?: ConstructorParameters<typeof Harness>[0]): Harness {
  const h = new Harness(config);
  h.sell(900, price, 1);
  h.buy(901, price, 1);
  h.take();
  return h;
}

describe('stop orders', () => {
  it('wait until the last trade reaches the stop, then enter as market or limit', () => {
    const h = tradedAt(100);
    expect(h.sell(1, 0, 5, { kind: STOP_MARKET, stop: 95 })).toEqual<Event[]>([['accepted', 1]]);
    h.buy(2, 96, 3);
    h.buy(3, 95, 10);
    const events = h.sell(4, 96, 3);
    expect(events).toEqual<Event[]>([
      ['accepted', 4],
      ['trade', 96, 3, SELL, 2, 4],
      ['filled', 2, 3],
      ['level', BUY, 96, 0, 0],
      ['filled', 4, 3],
    ]);
    const triggering = h.sell(5, 95, 1);
    expect(triggering).toEqual<Event[]>([
      ['accepted', 5],
      ['trade', 95, 1, SELL, 3, 5],
      ['updated', 3, 'partially_filled', 95, 0, 10, 9],
      ['stop', 1, 95, 95],
      ['level', BUY, 95, 9, 1],
      ['filled', 5, 1],
      ['trade', 95, 5, SELL, 3, 1],
      ['updated', 3, 'partially_filled', 95, 0, 10, 4],
      ['level', BUY, 95, 4, 1],
      ['filled', 1, 5],
    ]);
  });

  it('stop-limit orders rest at their limit once triggered', () => {
    const h = tradedAt(100);
    h.buy(1, 106, 5, { kind: STOP_LIMIT, stop: 105 });
    h.sell(2, 105, 1);
    const events = h.buy(3, 105, 1);
    expect(events.slice(-5)).toEqual<Event[]>([
      ['filled', 2, 1],
      ['stop', 1, 105, 105],
      ['level', SELL, 105, 0, 0],
      ['filled', 3, 1],
      ['level', BUY, 106, 5, 1],
    ]);
    expect(h.side(BUY)).toEqual([[106, 5, 1]]);
  });

  it('trigger at once when the last trade is already past the stop', () => {
    const h = tradedAt(100);
    h.sell(1, 101, 5);
    expect(h.buy(2, 0, 2, { kind: STOP_MARKET, stop: 99 })).toEqual<Event[]>([
      ['accepted', 2],
      ['stop', 2, 99, 100],
      ['trade', 101, 2, BUY, 1, 2],
      ['updated', 1, 'partially_filled', 101, 0, 5, 3],
      ['level', SELL, 101, 3, 1],
      ['filled', 2, 2],
    ]);
  });

  it('cascade deterministically: each triggered order enters in trigger order and may trigger more', () => {
    const build = () => {
      const h = tradedAt(100);
      h.buy(10, 0, 1, { kind: STOP_MARKET, stop: 103 });
      h.buy(11, 0, 1, { kind: STOP_MARKET, stop: 101 });
      h.buy(12, 0, 1, { kind: STOP_MARKET, stop: 101 });
      for (let price = 101; price <= 104; price++) h.sell(price - 100, price, 1);
      h.take();
      return h;
    };
    const h = build();
    const events = h.buy(5, 101, 1);
    expect(only(events, 'stop').map((event) => event[1])).toEqual([11, 12, 10]);
    expect(only(events, 'trade').map((event) => [event[1], event[5]])).toEqual([
      [101, 5],
      [102, 11],
      [103, 12],
      [104, 10],
    ]);
    const again = build();
    expect(again.buy(5, 101, 1)).toEqual(events);
    expect(again.book.stateHash()).toBe(h.book.stateHash());
  });

  it('stop-market orders keep their protection price once triggered', () => {
    const h = tradedAt(100);
    h.buy(1, 106, 5, { kind: STOP_MARKET, stop: 102 });
    h.sell(2, 102, 1);
    h.sell(3, 104, 2);
    h.sell(4, 108, 5);
    const events = h.buy(5, 102, 1);
    expect(only(events, 'trade')).toEqual<Event[]>([
      ['trade', 102, 1, BUY, 2, 5],
      ['trade', 104, 2, BUY, 3, 1],
    ]);
    expect(events.at(-1)).toEqual(['cancelled', 1, 'no_liquidity', 2, 3]);
    expect(h.side(SELL)).toEqual([[108, 5, 1]]);
  });

  it('can be cancelled while waiting', () => {
    const h = tradedAt(100);
    h.sell(1, 0, 5, { kind: STOP_MARKET, stop: 90 });
    expect(h.cancel(1)).toEqual<Event[]>([['cancelled', 1, 'requested', 0, 5]]);
    expect(h.book.liveOrders).toBe(0);
  });
});

describe('amending a stop price', () => {
  it('moves a waiting stop, which then fires at its new price and not at the old one', () => {
    const h = tradedAt(100);
    h.sell(1, 0, 2, { kind: STOP_MARKET, stop: 95 });
    expect(h.amendStop(1, 92)).toEqual<Event[]>([['updated', 1, 'amended', 0, 92, 2, 2]]);
    h.buy(2, 94, 1);
    expect(only(h.sell(3, 94, 1), 'stop')).toEqual([]);
    h.buy(4, 92, 5);
    expect(h.sell(5, 92, 1)).toContainEqual(['stop', 1, 92, 92]);
    expect(h.book.liveOrders).toBe(1);
  });

  it('fires at once when the last trade is already past the new stop', () => {
    const h = tradedAt(100);
    h.buy(1, 99, 3);
    h.sell(2, 98, 3, { kind: STOP_LIMIT, stop: 95 });
    expect(h.amendStop(2, 100)).toEqual<Event[]>([
      ['updated', 2, 'amended', 98, 100, 3, 3],
      ['stop', 2, 100, 100],
      ['trade', 99, 3, SELL, 1, 2],
      ['filled', 1, 3],
      ['level', BUY, 99, 0, 0],
      ['filled', 2, 3],
    ]);
  });

  it('puts a moved stop behind the stops already waiting at that price', () => {
    const h = tradedAt(100);
    h.sell(1, 0, 1, { kind: STOP_MARKET, stop: 90 });
    h.sell(2, 0, 1, { kind: STOP_MARKET, stop: 95 });
    h.amendStop(1, 95);
    h.buy(3, 95, 5);
    const fired = only(h.sell(4, 95, 1), 'stop');
    expect(fired.map((event) => event[1])).toEqual([2, 1]);
  });

  it("changes a stop-limit's limit and a stop-market's protection along with the stop, never alone", () => {
    const h = tradedAt(100);
    h.sell(1, 89, 1, { kind: STOP_LIMIT, stop: 90 });
    h.sell(2, 85, 1, { kind: STOP_MARKET, stop: 90 });
    expect(h.amendStop(1, 93, 92)).toEqual<Event[]>([['updated', 1, 'amended', 92, 93, 1, 1]]);
    expect(h.amend(2, 88, 0)).toEqual<Event[]>([['rejected', 2, 'not_amendable']]);
    expect(h.amendStop(2, 93, 88)).toEqual<Event[]>([['updated', 2, 'amended', 0, 93, 1, 1]]);
    expect(h.book.snapshot().orders.map((order) => [order[0], order[7], order[8]])).toEqual([
      [1, 92, 93],
      [2, 88, 93],
    ]);
  });

  it('refuses a new stop once the order has fired, and one off the tick or outside the band', () => {
    const h = tradedAt(100, { tickSize: 5, lotSize: 1, priceBand: { min: 50, max: 200 } });
    h.sell(1, 90, 1, { kind: STOP_LIMIT, stop: 100 });
    expect(only(h.amendStop(1, 95), 'rejected')).toEqual([['rejected', 1, 'not_amendable']]);
    h.sell(2, 0, 1, { kind: STOP_MARKET, stop: 90 });
    expect(h.amendStop(2, 92)).toEqual<Event[]>([['rejected', 2, 'off_tick']]);
    expect(h.amendStop(2, 45)).toEqual<Event[]>([['rejected', 2, 'price_out_of_band']]);
    expect(h.amendStop(2, 90)).toEqual<Event[]>([['rejected', 2, 'invalid_order']]);
  });
});

describe('trailing stops', () => {
  it('follow the best trade price by the offset and fire on the way back', () => {
    const h = tradedAt(100);
    h.sell(1, 0, 2, { kind: STOP_MARKET, stop: 95, trail: 5 });
    h.sell(2, 103, 1);
    expect(h.buy(3, 103, 1)).toContainEqual(['updated', 1, 'stop_moved', 0, 98, 2, 2]);
    h.sell(4, 101, 1);
    expect(only(h.buy(5, 101, 1), 'updated')).toEqual([]);
    h.buy(6, 98, 5);
    const events = h.sell(7, 98, 1);
    expect(events).toContainEqual(['stop', 1, 98, 98]);
    expect(events.at(-1)).toEqual(['filled', 1, 2]);
  });

  it("move a stop-limit's limit below the ladder's window in the middle of a sweep, and the sweep goes on", () => {
    // No band: the ladder first spans 4,096 ticks around 10,000, from 7,952. The first fill at 10,000 pulls the
    // trailing buy's stop from 10,500 to 10,001 and its limit by as much, from 8,000 to 7,501: the ladder grows
    // down to cover it while the buy sweeps, and the sweep's next level is still the one at 10,001.
    const h = new Harness();
    h.sell(1, 10_000, 10);
    h.sell(2, 10_001, 10);
    h.buy(3, 8_000, 1, { kind: STOP_LIMIT, stop: 10_500, trail: 1 });
    const events = h.buy(4, 10_001, 20);
    expect(only(events, 'trade')).toEqual([
      ['trade', 10_000, 10, BUY, 1, 4],
      ['trade', 10_001, 10, BUY, 2, 4],
    ]);
    expect(events).toContainEqual(['updated', 3, 'stop_moved', 7_501, 10_001, 1, 1]);
    expect(events).toContainEqual(['filled', 2, 10]);
    expect(h.side(SELL)).toEqual([]);
  });

  it("move a protected stop-market's protection with the stop, reporting no limit price", () => {
    const h = tradedAt(100);
    h.sell(1, 90, 2, { kind: STOP_MARKET, stop: 95, trail: 5 });
    h.sell(2, 103, 1);
    expect(h.buy(3, 103, 1)).toContainEqual(['updated', 1, 'stop_moved', 0, 98, 2, 2]);
    expect(h.book.snapshot().orders[0]?.[7]).toBe(93);
    expect(h.book.protectionPrice(1)).toBe(93);
    // Fired, it sells down to 93 and no further.
    h.buy(4, 94, 1);
    h.buy(5, 92, 5);
    const events = h.sell(6, 94, 1);
    expect(events).toContainEqual(['stop', 1, 98, 94]);
    expect(events).toContainEqual(['cancelled', 1, 'no_liquidity', 0, 2]);
  });

  it("move a stop-limit's limit with the stop, keeping the gap, and enter at the moved limit once triggered", () => {
    const h = tradedAt(100);
    h.sell(1, 94, 2, { kind: STOP_LIMIT, stop: 95, trail: 5 });
    h.sell(2, 103, 1);
    expect(h.buy(3, 103, 1)).toContainEqual(['updated', 1, 'stop_moved', 97, 98, 2, 2]);
    expect(h.book.snapshot().orders[0]?.[7]).toBe(97);
    h.buy(4, 98, 1);
    h.buy(6, 96, 5);
    expect(h.sell(5, 98, 1)).toContainEqual(['stop', 1, 98, 98]);
    // At its first limit (94) it would have sold to the bid at 96; at 97 it rests.
    expect(h.side(SELL)).toEqual([[97, 2, 1]]);
    expect(h.side(BUY)).toEqual([[96, 5, 1]]);
  });

  it("move a buy stop-limit's limit down, and stop it at the price band's edge", () => {
    const h = tradedAt(100, { tickSize: 1, lotSize: 1, priceBand: { min: 90, max: 200 } });
    h.buy(1, 111, 1, { kind: STOP_LIMIT, stop: 110, trail: 4 });
    h.buy(2, 95, 1, { kind: STOP_LIMIT, stop: 110, trail: 4 });
    h.buy(3, 96, 1);
    const events = only(h.sell(4, 96, 1), 'updated');
    expect(events).toContainEqual(['updated', 1, 'stop_moved', 101, 100, 1, 1]);
    // 95 - 10 would be below the band: it stops at 90.
    expect(events).toContainEqual(['updated', 2, 'stop_moved', 90, 100, 1, 1]);
  });

  it('buy side trails downwards', () => {
    const h = tradedAt(100);
    h.buy(1, 0, 1, { kind: STOP_MARKET, stop: 110, trail: 4 });
    h.buy(2, 96, 1);
    expect(h.sell(3, 96, 1)).toContainEqual(['updated', 1, 'stop_moved', 0, 100, 1, 1]);
  });

  it('take a new distance: the stop stays, then follows the next trades at the new distance', () => {
    const h = tradedAt(100);
    h.sell(1, 90, 2, { kind: STOP_LIMIT, stop: 95, trail: 5 });
    expect(h.amendTrail(1, 2)).toEqual<Event[]>([['updated', 1, 'amended', 90, 95, 2, 2]]);
    expect(h.book.trailingOffset(1)).toBe(2);
    // A trade at 100 again: 100 - 2 = 98 is tighter than 95, so the stop and the limit move up by 3.
    h.sell(2, 100, 1);
    expect(h.buy(3, 100, 1)).toContainEqual(['updated', 1, 'stop_moved', 93, 98, 2, 2]);
    // A wider distance: no move until the price has risen past the stop by that much.
    h.amendTrail(1, 6);
    h.sell(4, 103, 1);
    expect(only(h.buy(5, 103, 1), 'updated')).toEqual([]);
    h.sell(6, 105, 1);
    expect(h.buy(7, 105, 1)).toContainEqual(['updated', 1, 'stop_moved', 94, 99, 2, 2]);
  });

  it('refuse a distance for orders that do not trail, have fired, or a distance off the tick', () => {
    const h = tradedAt(100, { tickSize: 5, lotSize: 1, priceBand: null });
    h.sell(1, 0, 1, { kind: STOP_MARKET, stop: 95 });
    h.sell(2, 120, 1);
    h.sell(3, 0, 1, { kind: STOP_MARKET, stop: 90, trail: 10 });
    expect(h.amendTrail(1, 5)).toEqual<Event[]>([['rejected', 1, 'not_amendable']]);
    expect(h.amendTrail(2, 5)).toEqual<Event[]>([['rejected', 2, 'not_amendable']]);
    expect(h.amendTrail(3, 7)).toEqual<Event[]>([['rejected', 3, 'off_tick']]);
    expect(h.amendTrail(3, 10)).toEqual<Event[]>([['rejected', 3, 'invalid_order']]);
    expect(h.amendTrail(3, -5)).toEqual<Event[]>([['rejected', 3, 'invalid_order']]);
    expect(h.amendTrail(99, 5)).toEqual<Event[]>([['rejected', 99, 'unknown_order']]);
    h.halt();
    expect(h.amendTrail(3, 5)).toEqual<Event[]>([['rejected', 3, 'trading_halted']]);
    h.resume();
    expect(h.amendTrail(3, 5)).toEqual<Event[]>([['updated', 3, 'amended', 0, 90, 1, 1]]);
    h.buy(4, 80, 1);
    h.sell(5, 80, 1);
    expect(h.amendTrail(3, 10)).toEqual<Event[]>([['rejected', 3, 'unknown_order']]);
  });

  it('take a new stop and a new distance at once: the stop is placed anew and trails from there', () => {
    const h = tradedAt(100);
    h.buy(1, 0, 1, { kind: STOP_MARKET, stop: 110, trail: 8 });
    h.book.amend(1, ANY_ACCOUNT, 0, 0, 104, 3);
    expect(h.take()).toEqual<Event[]>([['updated', 1, 'amended', 0, 104, 1, 1]]);
    h.buy(2, 99, 1);
    // 99 + 3 = 102 is below 104: the buy stop follows the price down.
    expect(h.sell(3, 99, 1)).toContainEqual(['updated', 1, 'stop_moved', 0, 102, 1, 1]);
  });

  it('keep a new distance through a snapshot and its hash', () => {
    const h = tradedAt(100);
    h.sell(1, 0, 1, { kind: STOP_MARKET, stop: 95, trail: 5 });
    const before = h.book.stateHash();
    h.amendTrail(1, 3);
    expect(h.book.stateHash()).not.toBe(before);
    const restored = OrderBook.restore(JSON.parse(JSON.stringify(h.book.snapshot())) as BookSnapshot, recorder([]));
    expect(restored.trailingOffset(1)).toBe(3);
    expect(restored.stateHash()).toBe(h.book.stateHash());
  });
});

describe('stop orders in a book grown past its first records', () => {
  /** A book holding `resting` buy orders far below the market, placed without checks after each for speed. */
  function grownTo(resting: number): Harness {
    const h = tradedAt(100);
    for (let i = 0; i < resting; i++) {
      h.book.place(10_000 + i, 10_000 + i, BUY, LIMIT, GTC, 50, 0, 0, 1, false, STP_CANCEL_NEWEST);
    }
    h.take();
    return h;
  }
  const startingStopTable = new Harness().book.orders.stops.length;

  it('do not grow the stop table with records that never held a stop', () => {
    const h = grownTo(5_000);
    expect(h.book.orders.capacity).toBeGreaterThan(5_000);
    expect(h.book.orders.stops.length).toBe(startingStopTable);
  });

  it('keep their stops and trailing distances where the records grew, and through a snapshot', () => {
    const h = grownTo(3_000);
    h.buy(1, 0, 2, { kind: STOP_MARKET, stop: 104 });
    h.sell(2, 0, 2, { kind: STOP_MARKET, stop: 95, trail: 5 });
    expect(h.book.orders.stops.length).toBeGreaterThan(startingStopTable);
    const restored = OrderBook.restore(JSON.parse(JSON.stringify(h.book.snapshot())) as BookSnapshot, recorder([]));
    expect(restored.stateHash()).toBe(h.book.stateHash());
    expect(restored.trailingOffset(2)).toBe(5);
    h.sell(3, 103, 1);
    expect(h.buy(4, 103, 1)).toContainEqual(['updated', 2, 'stop_moved', 0, 98, 2, 2]);
    h.sell(5, 104, 3);
    const events = h.buy(6, 104, 1);
    expect(events).toContainEqual(['stop', 1, 104, 104]);
    expect(events).toContainEqual(['filled', 1, 2]);
  });
});

describe('self-trade prevention', () => {
  function ownOrderAhead(mode: SelfTradePreventionCode, takerQuantity: number): Event[] {
    const h = new Harness();
    h.sell(1, 100, 5, { account: 7 });
    h.sell(2, 100, 5, { account: 8 });
    return h.buy(3, 100, takerQuantity, { account: 7, stp: mode });
  }

  it('cancel newest: the incoming order is cancelled, the resting one stays', () => {
    expect(ownOrderAhead(STP_CANCEL_NEWEST, 4)).toEqual<Event[]>([
      ['accepted', 3],
      ['cancelled', 3, 'self_trade_prevention', 0, 4],
    ]);
  });

  it('cancel oldest: the resting order is cancelled and matching goes on', () => {
    expect(ownOrderAhead(STP_CANCEL_OLDEST, 4)).toEqual<Event[]>([
      ['accepted', 3],
      ['cancelled', 1, 'self_trade_prevention', 0, 5],
      ['trade', 100, 4, BUY, 2, 3],
      ['updated', 2, 'partially_filled', 100, 0, 5, 1],
      ['level', SELL, 100, 1, 1],
      ['filled', 3, 4],
    ]);
  });

  it('cancel both: both orders go', () => {
    expect(ownOrderAhead(STP_CANCEL_BOTH, 4)).toEqual<Event[]>([
      ['accepted', 3],
      ['cancelled', 1, 'self_trade_prevention', 0, 5],
      ['level', SELL, 100, 5, 1],
      ['cancelled', 3, 'self_trade_prevention', 0, 4],
    ]);
  });

  it('decrement and cancel: the smaller is cancelled, the larger shrinks by as much', () => {
    expect(ownOrderAhead(STP_DECREMENT_AND_CANCEL, 3)).toEqual<Event[]>([
      ['accepted', 3],
      ['updated', 1, 'decremented', 100, 0, 2, 2],
      ['level', SELL, 100, 7, 2],
      ['cancelled', 3, 'self_trade_prevention', 0, 3],
    ]);
    expect(ownOrderAhead(STP_DECREMENT_AND_CANCEL, 8)).toEqual<Event[]>([
      ['accepted', 3],
      ['cancelled', 1, 'self_trade_prevention', 0, 5],
      ['updated', 3, 'decremented', 100, 0, 3, 3],
      ['trade', 100, 3, BUY, 2, 3],
      ['updated', 2, 'partially_filled', 100, 0, 5, 2],
      ['level', SELL, 100, 2, 1],
      ['filled', 3, 3],
    ]);
  });

  it('FOK counts only liquidity it may take', () => {
    const h = new Harness();
    h.sell(1, 100, 5, { account: 7 });
    h.sell(2, 100, 5, { account: 8 });
    expect(h.buy(3, 100, 5, { account: 7, tif: 3, stp: STP_CANCEL_NEWEST }).at(-1)).toEqual([
      'cancelled',
      3,
      'fill_or_kill',
      0,
      5,
    ]);
    expect(h.buy(4, 100, 5, { account: 7, tif: 3, stp: STP_CANCEL_OLDEST }).at(-1)).toEqual(['filled', 4, 5]);
  });
});
