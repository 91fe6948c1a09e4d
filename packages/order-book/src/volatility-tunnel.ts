/**
 * The volatility tunnel (`BookConfig.auctionTunnelBps`): the band of ticks around a reference price that a taker may
 * trade in before the book goes into a call auction. Without a tunnel, or before its reference is known, the band is
 * unbounded.
 */
export class VolatilityTunnel {
  /** The reference price in cents; 0 while there is none. */
  reference = 0;
  /** The ticks a taker may trade at (unbounded without a tunnel). */
  low = -Infinity;
  high = Infinity;
  /** A tunnel is set and its reference known: takers are checked against it. */
  bounds = false;
  /** A tunnel is set and no reference known yet: the first trade gives it. */
  waits = false;

  constructor(
    private readonly bps: number,
    private readonly tick: number,
  ) {
    this.recenter(0);
  }

  /** Centres the tunnel on `referencePrice` (cents; 0: none, so no tunnel until the first trade gives one). */
  recenter(referencePrice: number): void {
    this.reference = referencePrice;
    this.bounds = this.bps > 0 && referencePrice > 0;
    this.waits = this.bps > 0 && referencePrice === 0;
    if (!this.bounds) {
      this.low = -Infinity;
      this.high = Infinity;
      return;
    }
    const reach = Math.floor((referencePrice * this.bps) / 10_000);
    this.low = Math.ceil((referencePrice - reach) / this.tick);
    this.high = Math.floor((referencePrice + reach) / this.tick);
  }

  /** How far a taker whose own limit is `ownTick` (0: none) may go: that limit, and no further than the tunnel. */
  limitTick(ownTick: number, isBuy: boolean): number {
    if (isBuy) return ownTick !== 0 && ownTick < this.high ? ownTick : this.high;
    return ownTick !== 0 && ownTick > this.low ? ownTick : this.low;
  }

  /** Whether the best opposite price `tick` is beyond the tunnel and within the taker's own limit (0: none). */
  stops(tick: number, ownTick: number, isBuy: boolean): boolean {
    return isBuy
      ? tick > this.high && (ownTick === 0 || tick <= ownTick)
      : tick < this.low && (ownTick === 0 || tick >= ownTick);
  }
}
