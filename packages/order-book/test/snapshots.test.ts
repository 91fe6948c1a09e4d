import { describe, expect, it } from 'vitest';
import { OrderBook, type BookSnapshot } from '../src/index.js';
import { BUY, Harness, recorder, SELL, STOP_LIMIT, type Event } from './harness.js';

/** A book restored from `source`'s snapshot after a JSON round trip, with its own event log. */
function restoredFrom(source: OrderBook, edit: (snapshot: BookSnapshot) => BookSnapshot = (s) => s) {
  const log: Event[] = [];
  const snapshot = edit(JSON.parse(JSON.stringify(source.snapshot())) as BookSnapshot);
  const book = OrderBook.restore(snapshot, recorder(log));
  return { book, log };
}

const withoutWindow = ({ ladder: _ladder, ...rest }: BookSnapshot): BookSnapshot => rest;

describe('snapshots of books without a price band', () => {
  it('a stop-limit priced far from every resting order rests at its price once triggered after a restore', () => {
    for (const keepWindow of [true, false]) {
      const h = new Harness();
      h.sell(1, 100, 5);
      h.buy(2, 50_000, 10, { kind: STOP_LIMIT, stop: 100 });
      // Snapshots written before the ladder's window was kept have none.
      const { book, log } = restoredFrom(h.book, (snapshot) => (keepWindow ? snapshot : withoutWindow(snapshot)));
      book.place(3, 3, BUY, 0, 0, 100, 0, 0, 5, false, 0);
      expect(log).toContainEqual(['stop', 2, 100, 100]);
      expect(log.at(-1)).toEqual(['level', BUY, 50_000, 10, 1]);
      expect(book.validateInternalState()).toEqual([]);
      expect(book.depth(BUY, 5)).toEqual([{ price: 50_000, quantity: 10, orderCount: 1 }]);
    }
  });

  it('takes and refuses far prices exactly as the book it was made from', () => {
    const h = new Harness({ tickSize: 1, lotSize: 1, priceBand: null, maxPriceSpan: 8192 });
    h.sell(1, 10_000, 1);
    h.sell(2, 12_000, 1);
    h.buy(3, 5_000, 1);
    h.cancel(3);
    const { book, log } = restoredFrom(h.book);
    expect(book.stateHash()).toBe(h.book.stateHash());
    // 13,000 is out of reach of the window 5,000 stretched the ladder to, in both books.
    expect(h.sell(4, 13_000, 1)).toEqual<Event[]>([['rejected', 4, 'price_out_of_band']]);
    book.place(4, 4, SELL, 0, 0, 13_000, 0, 0, 1, false, 0);
    expect(log).toEqual<Event[]>([['rejected', 4, 'price_out_of_band']]);
    expect(book.stateHash()).toBe(h.book.stateHash());
  });
});
