/**
 * Every live order as a 32-byte record (eight int32 fields, two records per cache line) in one Int32Array, so a
 * book of 300k orders fits in the caches a virtual machine actually gets (a random load costs ~20 ns below about
 * 12 MB here, ~100 ns above 16 MB). Hence the core's limits: ids, quantities and prices in ticks are below 2^31.
 * Stop data (stop price, trailing offset, arrival number) lives in a side table that only stop orders touch, grown
 * when a stop order takes a slot it does not reach yet rather than with the records: a book that grows from empty
 * without stops neither copies nor maps 32 bytes of it per record. A slot is the record's int32 offset (a multiple
 * of 8); records are recycled through a free list, so steady trading allocates nothing.
 */
export const NO_SLOT = -1;
export const MAX_INT32 = 0x7fffffff;

export const R_ID = 0;
/** Total quantity, filled included. */
export const R_QTY = 1;
export const R_REM = 2;
export const R_NEXT = 3;
export const R_PREV = 4;
/** Price in ticks (0 for market orders); a resting order's level is the ladder's entry for it. */
export const R_TICK = 5;
export const R_ACCOUNT = 6;
/** side | kind << 1 | timeInForce << 3 | selfTrade << 5 | postOnly << 8 | state << 9 | hasStop << 11 */
export const R_FLAGS = 7;
// stop table: stops[(slot >> 1) + S_*]
export const S_STOP = 0;
export const S_TRAIL = 1;
/** Arrival number: trigger order among stops with the same stop price. */
export const S_SEQ = 2;

const RECORD_INTS = 8;
const STOP_FLOATS = 4;
export const HAS_STOP = 1 << 11;

export function packFlags(
  side: number,
  kind: number,
  timeInForce: number,
  selfTrade: number,
  postOnly: number,
  state: number,
): number {
  return side | (kind << 1) | (timeInForce << 3) | (selfTrade << 5) | (postOnly << 8) | (state << 9);
}
export const sideOf = (flags: number): number => flags & 1;
export const kindOf = (flags: number): number => (flags >> 1) & 3;
export const timeInForceOf = (flags: number): number => (flags >> 3) & 3;
export const selfTradeOf = (flags: number): number => (flags >> 5) & 7;
export const postOnlyOf = (flags: number): number => (flags >> 8) & 1;
export const stateOf = (flags: number): number => (flags >> 9) & 3;
export const withState = (flags: number, state: number): number => (flags & ~(3 << 9)) | (state << 9);
export const withKind = (flags: number, kind: number): number => (flags & ~(3 << 1)) | (kind << 1);

export class OrderPool {
  records: Int32Array;
  stops: Float64Array;
  live = 0;
  private freeHead = NO_SLOT;
  private highWater = 0;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(16, initialCapacity);
    this.records = committed(new Int32Array(capacity * RECORD_INTS));
    // Not committed: an engine told to expect many orders maps the pages its stop orders touch, and no more.
    this.stops = new Float64Array(capacity * STOP_FLOATS);
  }

  /** Makes room in the stop table for the order at `slot`; call before writing a stop order's stop data. */
  reserveStop(slot: number): void {
    const end = (slot >> 1) + STOP_FLOATS;
    if (end > this.stops.length) this.stops = resized(this.stops, doubledTo(this.stops.length, end));
  }

  /** The offset of a free record; may replace the arrays, so read them after allocating. */
  allocate(): number {
    this.live++;
    if (this.freeHead !== NO_SLOT) {
      const slot = this.freeHead;
      this.freeHead = this.records[slot + R_NEXT]!;
      return slot;
    }
    if (this.highWater === this.records.length) this.grow();
    const slot = this.highWater;
    this.highWater += RECORD_INTS;
    return slot;
  }

  release(slot: number): void {
    this.live--;
    this.records[slot + R_FLAGS] = 0;
    this.records[slot + R_NEXT] = this.freeHead;
    this.freeHead = slot;
  }

  /** Stop price in cents of an order that has one, else 0. */
  stopPrice(slot: number): number {
    return (this.records[slot + R_FLAGS]! & HAS_STOP) === 0 ? 0 : this.stops[(slot >> 1) + S_STOP]!;
  }

  trailingOffset(slot: number): number {
    return (this.records[slot + R_FLAGS]! & HAS_STOP) === 0 ? 0 : this.stops[(slot >> 1) + S_TRAIL]!;
  }

  get capacity(): number {
    return this.records.length / RECORD_INTS;
  }

  get bytes(): number {
    return this.records.byteLength + this.stops.byteLength;
  }

  private grow(): void {
    this.records = resized(this.records, this.records.length * 2);
  }
}

type TypedArray = Float64Array | Int32Array | Uint8Array;

/**
 * Writes every page of a fresh array once, so the operating system maps it now rather than one page fault at a
 * time while orders arrive (a few milliseconds per 10 MB on a virtual machine, right in the latency path).
 */
export function committed<T extends TypedArray>(array: T): T {
  array.fill(0);
  return array;
}

/** `length` doubled as often as it takes to hold `needed` entries. */
function doubledTo(length: number, needed: number): number {
  let doubled = length * 2;
  while (doubled < needed) doubled *= 2;
  return doubled;
}

export function resized<T extends TypedArray>(array: T, length: number): T {
  const copy = new (array.constructor as new (length: number) => T)(length);
  copy.set(array.subarray(0, Math.min(array.length, length)) as never);
  return copy;
}

/**
 * Order id → slot. Ids below DENSE_LIMIT live in a flat array (one load per lookup); larger ids fall back to a
 * Map. The contract adapter recycles its internal ids, so in the engine every id is dense. Beside the flat array
 * a bitmap says which dense ids are live (one bit each: 128 KB per million ids, small enough to stay in cache).
 * A lookup of an order that has already ended, such as a cancel that lost the race with a fill, is answered from
 * the bitmap without touching the array's entry or the record it once pointed at, two cold cache lines in a deep
 * book; and an order that ends clears its bit rather than its entry, so a fill touches no cold line either.
 */
const DENSE_LIMIT = 1 << 24;

export class OrderIndex {
  private dense: Int32Array;
  private live: Int32Array;
  private readonly sparse = new Map<number, number>();

  constructor(initialCapacity = 1024) {
    const length = Math.min(DENSE_LIMIT, Math.max(16, initialCapacity));
    this.dense = committed(new Int32Array(length));
    this.live = committed(new Int32Array(bitmapWords(length)));
  }

  /** The slot of a live order, or NO_SLOT. */
  get(id: number): number {
    // Only a whole number in int32 range can name an order (a cancel may name anything): 1.5 must not read id 1's bit.
    if (id >>> 0 !== id) return NO_SLOT;
    if (id < this.dense.length) return (this.live[id >>> 5]! & (1 << (id & 31))) === 0 ? NO_SLOT : this.dense[id]!;
    if (id < DENSE_LIMIT) return NO_SLOT;
    return this.sparse.get(id) ?? NO_SLOT;
  }

  set(id: number, slot: number): void {
    if (id < DENSE_LIMIT) {
      if (id >= this.dense.length) {
        const length = Math.min(doubledTo(this.dense.length, id + 1), DENSE_LIMIT);
        this.dense = resized(this.dense, length);
        this.live = resized(this.live, bitmapWords(length));
      }
      this.dense[id] = slot;
      this.live[id >>> 5] = this.live[id >>> 5]! | (1 << (id & 31));
    } else {
      this.sparse.set(id, slot);
    }
  }

  /** Forgets an order that ended. */
  release(id: number): void {
    if (id < DENSE_LIMIT) this.live[id >>> 5] = this.live[id >>> 5]! & ~(1 << (id & 31));
    else this.sparse.delete(id);
  }

  /** How many ids are indexed (a full count, for structural checks). */
  get size(): number {
    let count = this.sparse.size;
    for (let word = 0; word < this.live.length; word++) count += bitCount(this.live[word]!);
    return count;
  }

  /** Bytes held; a Map entry is counted at 48 bytes, about what V8 spends on one. */
  get bytes(): number {
    return this.dense.byteLength + this.live.byteLength + this.sparse.size * 48;
  }
}

const bitmapWords = (ids: number): number => Math.ceil(ids / 32);

function bitCount(word: number): number {
  let bits = word - ((word >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (((bits + (bits >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
