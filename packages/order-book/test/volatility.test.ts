import { describe, expect, it } from 'vitest';
import { OrderBook } from '../src/index.js';
import {
  BUY,
  DEFAULT_CONFIG,
  FOK,
  Harness,
  IOC,
  recorder,
  SELL,
  STOP_LIMIT,
  STOP_MARKET,
  type Event,
} from './harness.js';

/** A book whose tunnel reaches 10% either side of its reference, 100: it trades from 90 to 110. */
function tunnelled(): Harness {
  const h = new Harness({ ...DEFAULT_CONFIG, auctionTunnelBps: 1_000 });
  h.book.recenterTunnel(100);
  return h;
}

const trades = (events: Event[]) => events.filter((event) => event[0] === 'trade');

describe('the volatility tunnel', () => {
  it('stops a buy sweeping past it: what it took inside stands, the book goes into an auction, the rest rests', () => {
    const h = tunnelled();
    h.sell(1, 105, 5);
    h.sell(2, 110, 5);
    h.sell(3, 115, 5);
    const events = h.buy(4, 120, 15);
    expect(trades(events)).toEqual([
      ['trade', 105, 5, BUY, 1, 4],
      ['trade', 110, 5, BUY, 2, 4],
    ]);
    expect(events).toContainEqual(['volatility', 100, 115]);
    expect(h.book.inAuction).toBe(true);
    // Its remainder rests at 120, across the ask at 115: the book is crossed, as an auction's may be.
    expect([h.book.bestBid(), h.book.bestAsk()]).toEqual([120, 115]);
    // The uncross trades them at one price, which becomes the tunnel's reference: 90 to 110 is now 103.5 to 126.5.
    h.book.uncross(110);
    expect(trades(h.take())).toEqual([['trade', 115, 5, BUY, 3, 4]]);
    expect(h.book.tunnelRef).toBe(115);
    h.sell(5, 126, 1);
    expect(trades(h.buy(6, 126, 1))).toEqual([['trade', 126, 1, BUY, 5, 6]]);
    expect(h.book.inAuction).toBe(false);
  });

  it('stops a sell the same way below it, and cancels what a market or IOC order has left', () => {
    const h = tunnelled();
    h.buy(1, 95, 5);
    h.buy(2, 85, 5);
    const market = h.sell(3, 0, 10);
    expect(trades(market)).toEqual([['trade', 95, 5, SELL, 1, 3]]);
    expect(market).toContainEqual(['volatility', 100, 85]);
    expect(market).toContainEqual(['cancelled', 3, 'no_liquidity', 5, 5]);
    expect(h.book.inAuction).toBe(true);
    const other = tunnelled();
    other.buy(1, 85, 5);
    const ioc = other.sell(2, 80, 5, { tif: IOC });
    expect(ioc).toContainEqual(['volatility', 100, 85]);
    expect(ioc).toContainEqual(['cancelled', 2, 'immediate_or_cancel', 0, 5]);
  });

  it('kills a FOK order it would not let fill, without an auction; one within it fills', () => {
    const h = tunnelled();
    h.sell(1, 108, 5);
    h.sell(2, 112, 5);
    const killed = h.buy(3, 112, 10, { tif: FOK });
    expect(trades(killed)).toEqual([]);
    expect(killed).toContainEqual(['cancelled', 3, 'fill_or_kill', 0, 10]);
    expect(h.book.inAuction).toBe(false);
    expect(trades(h.buy(4, 112, 5, { tif: FOK }))).toEqual([['trade', 108, 5, BUY, 1, 4]]);
  });

  it('lets an order that stops at its own limit rest as ever: no auction', () => {
    const h = tunnelled();
    h.sell(1, 115, 5);
    const events = h.buy(2, 110, 5);
    expect(events.some((event) => event[0] === 'volatility')).toBe(false);
    expect(h.book.inAuction).toBe(false);
  });

  it('cancels a market stop fired as the book goes into its auction, and rests a stop-limit fired then', () => {
    const h = tunnelled();
    h.buy(1, 0, 3, { kind: STOP_MARKET, stop: 104 });
    h.buy(7, 109, 2, { kind: STOP_LIMIT, stop: 104 });
    h.sell(2, 104, 5);
    h.sell(3, 120, 5);
    const events = h.buy(4, 120, 10);
    expect(trades(events)).toEqual([['trade', 104, 5, BUY, 2, 4]]);
    expect(events).toContainEqual(['volatility', 100, 120]);
    expect(events).toContainEqual(['stop', 1, 104, 104]);
    expect(events).toContainEqual(['cancelled', 1, 'no_liquidity', 0, 3]);
    expect(events).toContainEqual(['stop', 7, 104, 104]);
    expect(h.side(BUY)).toEqual([
      [120, 5, 1],
      [109, 2, 1],
    ]);
  });

  it('takes its reference from the first trade without one, and from each close', () => {
    const h = new Harness({ ...DEFAULT_CONFIG, auctionTunnelBps: 1_000 });
    h.sell(1, 200, 1);
    h.buy(2, 200, 1);
    expect(h.book.tunnelRef).toBe(200);
    h.sell(3, 230, 1);
    expect(h.buy(4, 230, 1)).toContainEqual(['volatility', 200, 230]);
    h.book.uncross(200);
    h.take();
    expect(h.book.tunnelRef).toBe(230);
    h.sell(5, 240, 1);
    h.buy(6, 240, 1);
    h.endOfDay();
    expect(h.book.tunnelRef).toBe(240);
  });

  it('keeps its reference across a snapshot, in the hash of a book with a tunnel only', () => {
    const h = tunnelled();
    h.sell(1, 105, 5);
    const restored = OrderBook.restore(JSON.parse(JSON.stringify(h.book.snapshot())), recorder([]));
    expect(restored.tunnelRef).toBe(100);
    expect(restored.stateHash()).toBe(h.book.stateHash());
    h.book.recenterTunnel(101);
    expect(h.book.stateHash()).not.toBe(restored.stateHash());
    const plain = new Harness();
    const before = plain.book.stateHash();
    plain.book.recenterTunnel(101);
    expect(plain.book.stateHash()).toBe(before);
    expect(() => new OrderBook({ ...DEFAULT_CONFIG, auctionTunnelBps: 10_001 }, recorder([]))).toThrow(RangeError);
  });
});
