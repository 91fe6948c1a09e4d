import type { BookEvents } from './book-events.js';
import { BUY, RESTING, type SideCode } from './codes.js';
import type { Ladder } from './ladder.js';
import type { LevelPool } from './level-pool.js';
import { NO_SLOT, R_FLAGS, R_NEXT, R_PREV, R_REM, R_TICK, sideOf, withState, type OrderPool } from './order-pool.js';

export interface LevelView {
  readonly price: number;
  readonly quantity: number;
  readonly orderCount: number;
}

/**
 * The resting side of a book: each price's level, a FIFO of orders linked through their records, found by price on
 * the ladder. Every change to a level's totals is reported (`levelChanged`) once the level settles.
 */
export class PriceLevels {
  constructor(
    private readonly orders: OrderPool,
    private readonly levels: LevelPool,
    private readonly ladder: Ladder,
    private readonly tick: number,
    private readonly events: BookEvents,
  ) {}

  /** Best bid price in cents, or 0 when there are no bids. */
  bestBid(): number {
    return this.ladder.bestBid < 0 ? 0 : (this.ladder.bestBid + this.ladder.base) * this.tick;
  }

  /** Best ask price in cents, or 0 when there are no asks. */
  bestAsk(): number {
    return this.ladder.bestAsk < 0 ? 0 : (this.ladder.bestAsk + this.ladder.base) * this.tick;
  }

  /** Up to `maxLevels` levels of one side, best first; with `through`, only those priced no worse than it. */
  depth(side: SideCode, maxLevels: number, through?: number): LevelView[] {
    const ladder = this.ladder;
    const isBuy = side === BUY;
    const result: LevelView[] = [];
    let rung = isBuy ? ladder.bestBid : ladder.bestAsk;
    const slots = ladder.slotsOf(side);
    while (rung >= 0 && result.length < maxLevels) {
      const level = slots[rung]! - 1;
      const price = (rung + ladder.base) * this.tick;
      if (through !== undefined && (isBuy ? price < through : price > through)) break;
      result.push({
        price,
        quantity: this.levels.quantity[level]!,
        orderCount: this.levels.count[level]!,
      });
      rung = isBuy ? ladder.bids.prevAtOrBelow(rung - 1) : ladder.asks.nextAtOrAbove(rung + 1);
    }
    return result;
  }

  /** Puts an order at the back of its price's level, opening the level if it is new, and reports the level. */
  rest(slot: number): void {
    const r = this.orders.records;
    const side = sideOf(r[slot + R_FLAGS]!);
    const level = this.open(side, r[slot + R_TICK]! - this.ladder.base);
    this.append(slot, level);
    r[slot + R_FLAGS] = withState(r[slot + R_FLAGS]!, RESTING);
    const levels = this.levels;
    this.events.levelChanged(
      side as SideCode,
      r[slot + R_TICK]! * this.tick,
      levels.quantity[level]!,
      levels.count[level]!,
    );
  }

  /** One side's level at a rung, opened (and put on the ladder) if the rung has none yet. */
  open(side: number, rung: number): number {
    const ladder = this.ladder;
    const slots = side === BUY ? ladder.bidSlots : ladder.askSlots;
    const level = slots[rung]! - 1;
    if (level >= 0) return level;
    const opened = this.levels.allocate(side, rung);
    slots[rung] = opened + 1;
    if (side === BUY) {
      ladder.bids.set(rung);
      if (rung > ladder.bestBid) ladder.bestBid = rung;
    } else {
      ladder.asks.set(rung);
      if (ladder.bestAsk < 0 || rung < ladder.bestAsk) ladder.bestAsk = rung;
    }
    return opened;
  }

  /** Links an order at the back of a level's FIFO and adds what it has left to the level's totals. */
  append(slot: number, level: number): void {
    const r = this.orders.records;
    const levels = this.levels;
    const tail = levels.tail[level]!;
    r[slot + R_PREV] = tail;
    r[slot + R_NEXT] = NO_SLOT;
    if (tail === NO_SLOT) levels.head[level] = slot;
    else r[tail + R_NEXT] = slot;
    levels.tail[level] = slot;
    levels.count[level] = levels.count[level]! + 1;
    levels.quantity[level] = levels.quantity[level]! + r[slot + R_REM]!;
  }

  /**
   * Takes an order out of its level's FIFO. A level's head is known by the level, not by a NO_SLOT prev link:
   * popping the head (every fill) then leaves the next order's record alone, which in a deep book is usually
   * not in cache. The head's own prev link is therefore meaningless.
   */
  unlink(slot: number, level: number): void {
    const r = this.orders.records;
    const levels = this.levels;
    const next = r[slot + R_NEXT]!;
    if (levels.head[level] === slot) {
      levels.head[level] = next;
      if (next === NO_SLOT) levels.tail[level] = NO_SLOT;
    } else {
      const prev = r[slot + R_PREV]!;
      r[prev + R_NEXT] = next;
      if (next === NO_SLOT) levels.tail[level] = prev;
      else r[next + R_PREV] = prev;
    }
    levels.count[level] = levels.count[level]! - 1;
    levels.quantity[level] = levels.quantity[level]! - r[slot + R_REM]!;
  }

  /** Publishes a level's new totals, and drops it from the ladder when it is empty. */
  settle(level: number): void {
    const levels = this.levels;
    const ladder = this.ladder;
    const rung = levels.rung[level]!;
    const side = levels.side[level] as SideCode;
    const count = levels.count[level]!;
    this.events.levelChanged(side, (rung + ladder.base) * this.tick, levels.quantity[level]!, count);
    if (count !== 0) return;
    if (side === BUY) {
      ladder.bidSlots[rung] = 0;
      ladder.bids.clear(rung);
      if (rung === ladder.bestBid) ladder.bestBid = ladder.bids.prevAtOrBelow(rung - 1);
    } else {
      ladder.askSlots[rung] = 0;
      ladder.asks.clear(rung);
      if (rung === ladder.bestAsk) ladder.bestAsk = ladder.asks.nextAtOrAbove(rung + 1);
    }
    levels.release(level);
  }

  /** The level a resting order is in: the ladder's entry for its price. */
  levelOf(slot: number): number {
    const r = this.orders.records;
    const slots = sideOf(r[slot + R_FLAGS]!) === BUY ? this.ladder.bidSlots : this.ladder.askSlots;
    return slots[r[slot + R_TICK]! - this.ladder.base]! - 1;
  }
}
