import { S_SEQ, S_STOP, S_TRAIL, type OrderPool } from './order-pool.js';

/**
 * Orders waiting for their stop price, in trigger order. Buy stops fire when a trade prints at or above their
 * stop, so they are kept lowest stop first; sell stops fire at or below, so highest first; ties by arrival.
 * Either list's triggered orders are then always a prefix.
 */
export class StopBook {
  readonly buys: number[] = [];
  readonly sells: number[] = [];
  trailing = 0;

  constructor(private readonly orders: OrderPool) {}

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

  /** Re-sorts a list after trailing stops moved; stable, so arrival order among equal stops holds. */
  resort(isBuy: boolean): void {
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
