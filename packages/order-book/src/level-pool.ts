import { NO_SLOT, resized } from './order-pool.js';

/** Price levels: the head and tail of each level's FIFO of orders, with its totals. Slots are recycled. */
export class LevelPool {
  capacity = 0;
  head = new Int32Array(0);
  tail = new Int32Array(0);
  count = new Int32Array(0);
  quantity = new Float64Array(0);
  /** Index of the level in the ladder. */
  rung = new Int32Array(0);
  side = new Uint8Array(0);
  private freeHead = NO_SLOT;
  private highWater = 0;

  constructor() {
    this.grow(256);
  }

  allocate(side: number, rung: number): number {
    let slot: number;
    if (this.freeHead !== NO_SLOT) {
      slot = this.freeHead;
      this.freeHead = this.head[slot]!;
    } else {
      if (this.highWater === this.capacity) this.grow(this.capacity * 2);
      slot = this.highWater++;
    }
    this.head[slot] = NO_SLOT;
    this.tail[slot] = NO_SLOT;
    this.count[slot] = 0;
    this.quantity[slot] = 0;
    this.rung[slot] = rung;
    this.side[slot] = side;
    return slot;
  }

  get bytes(): number {
    return this.capacity * (4 * 4 + 8 + 1);
  }

  release(slot: number): void {
    this.head[slot] = this.freeHead;
    this.freeHead = slot;
  }

  private grow(capacity: number): void {
    this.head = resized(this.head, capacity);
    this.tail = resized(this.tail, capacity);
    this.count = resized(this.count, capacity);
    this.quantity = resized(this.quantity, capacity);
    this.rung = resized(this.rung, capacity);
    this.side = resized(this.side, capacity);
    this.capacity = capacity;
  }
}
