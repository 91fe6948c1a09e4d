import { describe, expect, it } from 'vitest';
import { BUY, GTC, LIMIT, OrderBook, STP_CANCEL_NEWEST } from '../src/index.js';
import { DEFAULT_CONFIG, Harness, recorder, type Event } from './harness.js';

/** A book whose orders may ask for 100 shares at most, in lots of 10. */
const limited = () => new Harness({ ...DEFAULT_CONFIG, lotSize: 10, maxOrderQuantity: 100 });

describe("an instrument's most shares per order", () => {
  it('refuses a larger order and an amend to a larger quantity, and takes either at the limit', () => {
    const h = limited();
    expect(h.buy(1, 50, 110)).toEqual<Event[]>([['rejected', 1, 'quantity_over_limit']]);
    // Off the lot is what it is first, whatever its size.
    expect(h.buy(2, 50, 105)).toEqual<Event[]>([['rejected', 2, 'off_lot']]);
    expect(h.buy(3, 50, 100)).toContainEqual(['accepted', 3]);
    expect(h.amend(3, 0, 60)).toContainEqual(['updated', 3, 'amended', 50, 0, 60, 60]);
    expect(h.amend(3, 0, 110)).toEqual<Event[]>([['rejected', 3, 'quantity_over_limit']]);
    expect(h.amend(3, 0, 100)).toContainEqual(['updated', 3, 'amended', 50, 0, 100, 100]);
    // A market order is held to it as well.
    expect(h.sell(4, 0, 200)).toEqual<Event[]>([['rejected', 4, 'quantity_over_limit']]);
    expect(h.book.validateInternalState()).toEqual([]);
  });

  it('keeps it across a snapshot', () => {
    const h = limited();
    h.buy(1, 50, 100);
    const restored = OrderBook.restore(JSON.parse(JSON.stringify(h.book.snapshot())), recorder([]));
    const log: Event[] = [];
    const again = OrderBook.restore(JSON.parse(JSON.stringify(restored.snapshot())), recorder(log));
    again.place(2, 2, BUY, LIMIT, GTC, 50, 0, 0, 110, false, STP_CANCEL_NEWEST);
    expect(log).toEqual<Event[]>([['rejected', 2, 'quantity_over_limit']]);
    expect(again.stateHash()).toBe(h.book.stateHash());
  });

  it('must be on the lot, above nothing and within 32 bits', () => {
    for (const maxOrderQuantity of [105, 0, -10, 2 ** 31]) {
      expect(() => new OrderBook({ ...DEFAULT_CONFIG, lotSize: 10, maxOrderQuantity }, recorder([]))).toThrow(
        RangeError,
      );
    }
  });
});
