import { STOP_LIMIT } from './codes.js';
import { kindOf, R_FLAGS, R_TICK, S_SEQ, S_STOP, S_TRAIL, type OrderPool } from './order-pool.js';
import type { OrderRules } from './order-rules.js';

/**
 * Orders waiting for their stop price, in trigger order. Buy stops fire when a trade prints at or above their
 * stop, so they are kept lowest stop first; sell stops fire at or below, so highest first; ties by arrival.
 * Either list's triggered orders are then always a prefix. Trailing stops follow the trade price here too.
 */
export class StopBook {
  readonly buys: number[] = [];
  readonly sells: number[] = [];
  trailing = 0;

  constructor(
    private readonly orders: OrderPool,
    private readonly rules: OrderRules,
  ) {}

  get size(): number {
    return this.buys.length + this.sells.length;
  }

  insert(slot: number, isBuy: boolean): void {
    const list = isBuy ? this.buys : this.sells;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.before(list[middle]!, slot, isBuy)) low = middle + 1;
      else high = middle;
    }
    list.splice(low, 0, slot);
    if (this.orders.stops[(slot >> 1) + S_TRAIL]! > 0) this.trailing++;
  }

  remove(slot: number, isBuy: boolean): void {
    const list = isBuy ? this.buys : this.sells;
    list.splice(list.indexOf(slot), 1);
    if (this.orders.stops[(slot >> 1) + S_TRAIL]! > 0) this.trailing--;
  }

  /** Takes out, in trigger order, every stop that a trade at `price` fires. */
  takeTriggered(price: number, isBuy: boolean, into: number[]): void {
    const list = isBuy ? this.buys : this.sells;
    let count = 0;
    while (
      count < list.length &&
      (isBuy
        ? this.orders.stops[(list[count]! >> 1) + S_STOP]! <= price
        : this.orders.stops[(list[count]! >> 1) + S_STOP]! >= price)
    )
      count++;
    if (count === 0) return;
    for (const slot of list.splice(0, count)) {
      if (this.orders.stops[(slot >> 1) + S_TRAIL]! > 0) this.trailing--;
      into.push(slot);
    }
  }

  /**
   * Trailing stops follow a trade at `price`, buys then sells, each move reported to `moved`. A stop-limit's limit,
   * or a stop-market's protection, moves with its stop by as much, so the gap between them holds (a buy's only
   * moves down, so what it holds stays enough), though never past the price band (at its edge) nor, for a limit,
   * where the ladder cannot reach (it stays).
   */
  follow(price: number, moved: (slot: number) => void): void {
    const s = this.orders.stops;
    const r = this.orders.records;
    for (const isBuy of [true, false]) {
      let any = false;
      for (const slot of isBuy ? this.buys : this.sells) {
        const offset = s[(slot >> 1) + S_TRAIL]!;
        if (offset === 0) continue;
        const follow = isBuy ? price + offset : price - offset;
        const stop = s[(slot >> 1) + S_STOP]!;
        if (isBuy ? follow < stop : follow > stop) {
          s[(slot >> 1) + S_STOP] = follow;
          if (r[slot + R_TICK] !== 0) this.movePrice(slot, follow - stop);
          moved(slot);
          any = true;
        }
      }
      if (any) this.resort(isBuy);
    }
  }

  private movePrice(slot: number, by: number): void {
    const r = this.orders.records;
    const rules = this.rules;
    const price = Math.min(rules.bandMax, Math.max(rules.bandMin, r[slot + R_TICK]! * rules.tick + by));
    // A protection never rests, so it needs no room on the ladder.
    const reason = kindOf(r[slot + R_FLAGS]!) === STOP_LIMIT ? rules.price(price) : rules.priceValue(price);
    if (reason === null) r[slot + R_TICK] = price / rules.tick;
  }

  /** Re-sorts a list after trailing stops moved; stable, so arrival order among equal stops holds. */
  private resort(isBuy: boolean): void {
    const list = isBuy ? this.buys : this.sells;
    list.sort((a, b) => (this.before(a, b, isBuy) ? -1 : this.before(b, a, isBuy) ? 1 : 0));
  }

  private before(a: number, b: number, isBuy: boolean): boolean {
    const stopA = this.orders.stops[(a >> 1) + S_STOP]!;
    const stopB = this.orders.stops[(b >> 1) + S_STOP]!;
    if (stopA !== stopB) return isBuy ? stopA < stopB : stopA > stopB;
    return this.orders.stops[(a >> 1) + S_SEQ]! < this.orders.stops[(b >> 1) + S_SEQ]!;
  }
}
