/**
 * Every live order as a 64-byte record (one cache line) in one ArrayBuffer, read through two views: numbers
 * that may exceed 2^31 (ids, prices, quantities, arrival numbers) as float64, links and small fields as int32.
 * Stop and trailing prices live in a side table that only stop orders touch. A slot is the record's float64
 * offset (a multiple of 8); records are recycled through a free list, so steady trading allocates nothing.
 */
export const NO_SLOT = -1;

// float64 fields: data[slot + F_*]
export const F_ID = 0;
export const F_PRICE = 1;
/** Total quantity, filled included. */
export const F_QTY = 2;
export const F_REM = 3;
/** Arrival number: FIFO order within a price level and among stops. */
export const F_SEQ = 4;
// int32 fields: links[(slot << 1) + I_*], after the five float64 fields (bytes 40..63)
export const I_PREV = 10;
export const I_NEXT = 11;
export const I_LEVEL = 12;
export const I_ACCOUNT = 13;
/** side | kind << 1 | timeInForce << 3 | selfTrade << 5 | postOnly << 8 | state << 9 */
export const I_FLAGS = 14;
// stop table: stops[(slot >> 2) + S_*]
export const S_STOP = 0;
export const S_TRAIL = 1;

const RECORD_FLOATS = 8;

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
  data: Float64Array;
  links: Int32Array;
  stops: Float64Array;
  live = 0;
  private freeHead = NO_SLOT;
  private highWater = 0;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(16, initialCapacity);
    this.data = committed(new Float64Array(capacity * RECORD_FLOATS));
    this.links = new Int32Array(this.data.buffer);
    this.stops = new Float64Array(capacity * 2);
  }

  /** The offset of a free record; may replace the arrays, so read them after allocating. */
  allocate(): number {
    this.live++;
    if (this.freeHead !== NO_SLOT) {
      const slot = this.freeHead;
      this.freeHead = this.links[(slot << 1) + I_NEXT]!;
      return slot;
    }
    if (this.highWater === this.data.length) this.grow();
    const slot = this.highWater;
    this.highWater += RECORD_FLOATS;
    return slot;
  }

  release(slot: number): void {
    this.live--;
    this.links[(slot << 1) + I_FLAGS] = 0;
    this.links[(slot << 1) + I_NEXT] = this.freeHead;
    this.freeHead = slot;
  }

  get capacity(): number {
    return this.data.length / RECORD_FLOATS;
  }

  get bytes(): number {
    return this.data.byteLength + this.stops.byteLength;
  }

  private grow(): void {
    this.data = resized(this.data, this.data.length * 2);
    this.links = new Int32Array(this.data.buffer);
    this.stops = resized(this.stops, this.stops.length * 2);
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

export function resized<T extends TypedArray>(array: T, length: number): T {
  const copy = new (array.constructor as new (length: number) => T)(length);
  copy.set(array.subarray(0, Math.min(array.length, length)) as never);
  return copy;
}

/**
 * Order id → slot. Ids below DENSE_LIMIT live in a flat array (one load per lookup); larger ids fall back to a
 * Map. The contract adapter recycles its internal ids, so in the engine every id is dense. A dense entry is not
 * cleared when its order ends (that would be one more cold cache line per fill): a lookup checks that the slot
 * still holds a live order with that id instead.
 */
const DENSE_LIMIT = 1 << 24;

export class OrderIndex {
  private dense: Int32Array;
  private readonly sparse = new Map<number, number>();

  constructor(
    private readonly pool: OrderPool,
    initialCapacity = 1024,
  ) {
    this.dense = committed(new Int32Array(Math.min(DENSE_LIMIT, Math.max(16, initialCapacity))));
  }

  /** The slot of a live order, or NO_SLOT. */
  get(id: number): number {
    let slot: number;
    if (id < this.dense.length) slot = this.dense[id]! - 1;
    else if (id < DENSE_LIMIT) return NO_SLOT;
    else slot = this.sparse.get(id) ?? NO_SLOT;
    if (slot === NO_SLOT) return NO_SLOT;
    return this.pool.data[slot + F_ID] === id && stateOf(this.pool.links[(slot << 1) + I_FLAGS]!) !== 0
      ? slot
      : NO_SLOT;
  }

  set(id: number, slot: number): void {
    if (id < DENSE_LIMIT) {
      if (id >= this.dense.length) {
        let length = this.dense.length * 2;
        while (length <= id) length *= 2;
        this.dense = resized(this.dense, Math.min(length, DENSE_LIMIT));
      }
      this.dense[id] = slot + 1;
    } else {
      this.sparse.set(id, slot);
    }
  }

  /** Bytes held; a Map entry is counted at 48 bytes, about what V8 spends on one. */
  get bytes(): number {
    return this.dense.byteLength + this.sparse.size * 48;
  }

  /** Forgets an order that ended; only sparse ids need it. */
  release(id: number): void {
    if (id >= DENSE_LIMIT) this.sparse.delete(id);
  }
}
