import type { LevelPool } from './level-pool.js';
import { PriceBitmap } from './price-bitmap.js';
import { BUY } from './codes.js';

/**
 * The price axis of one book, in ticks: rung r holds price (base + r) × tickSize. A rung maps to each side's level
 * there in O(1) (both sides may have one during a call auction, whose book crosses) and the bitmaps find the next
 * non-empty rung on each side. With a price band the ladder spans the band
 * once and never moves; without one it starts small around the first price and doubles as prices arrive, up
 * to `maxSpan` rungs.
 */
export class Ladder {
  base = 0;
  span = 0;
  /** Level slot + 1 per rung, one array per side; 0 is an empty rung. */
  bidSlots = new Int32Array(0);
  askSlots = new Int32Array(0);
  bids = new PriceBitmap(0);
  asks = new PriceBitmap(0);
  /** Best rung on each side, or -1. */
  bestBid = -1;
  bestAsk = -1;

  constructor(
    private readonly levels: LevelPool,
    private readonly fixed: { readonly lowTick: number; readonly highTick: number } | null,
    private readonly maxSpan: number,
  ) {
    if (fixed !== null) this.reshape(fixed.lowTick, fixed.highTick - fixed.lowTick + 1);
  }

  get bytes(): number {
    return this.bidSlots.byteLength + this.askSlots.byteLength + this.bids.bytes + this.asks.bytes;
  }

  /** One side's rung-to-level array. */
  slotsOf(side: number): Int32Array {
    return side === BUY ? this.bidSlots : this.askSlots;
  }

  /** The rung of a price in ticks, growing the ladder if it may; -1 when the price cannot be placed. */
  cover(tick: number): number {
    const rung = tick - this.base;
    if (rung >= 0 && rung < this.span) return rung;
    if (this.fixed !== null) return -1;
    if (this.span === 0) {
      const span = 4096;
      this.reshape(Math.max(0, tick - span / 2), span);
      return tick - this.base;
    }
    const low = Math.min(this.base, tick);
    const high = Math.max(this.base + this.span, tick + 1);
    let span = this.span * 2;
    while (span < high - low) span *= 2;
    if (span > this.maxSpan) return -1;
    const base = tick < this.base ? Math.max(0, high - span) : this.base;
    this.reshape(base, span);
    return tick - this.base;
  }

  /**
   * Takes the window of the ladder a snapshot was made from (an empty, unfixed ladder only): which prices a book
   * can still take depends on it, so a restored book must have the same one.
   */
  adopt(base: number, span: number): void {
    if (this.fixed !== null || this.span !== 0) throw new Error('only an empty ladder without a band adopts a window');
    if (span > this.maxSpan || !Number.isSafeInteger(base) || base < 0) throw new Error('the window does not fit');
    if (span > 0) this.reshape(base, span);
  }

  private reshape(base: number, span: number): void {
    const shift = this.base - base;
    const old = [this.bidSlots, this.askSlots] as const;
    this.bidSlots = new Int32Array(span);
    this.askSlots = new Int32Array(span);
    this.bids = new PriceBitmap(span);
    this.asks = new PriceBitmap(span);
    for (const oldSlots of old) {
      for (let rung = 0; rung < oldSlots.length; rung++) {
        const stored = oldSlots[rung]!;
        if (stored === 0) continue;
        const moved = rung + shift;
        const isBuy = this.levels.side[stored - 1] === BUY;
        (isBuy ? this.bidSlots : this.askSlots)[moved] = stored;
        this.levels.rung[stored - 1] = moved;
        (isBuy ? this.bids : this.asks).set(moved);
      }
    }
    if (this.bestBid >= 0) this.bestBid += shift;
    if (this.bestAsk >= 0) this.bestAsk += shift;
    this.base = base;
    this.span = span;
  }
}
