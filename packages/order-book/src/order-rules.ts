import type { RejectReason } from '@bolsa/contracts';
import { BUY, DAY, FOK, GTC, IOC, LIMIT, MARKET, SELL, STOP_LIMIT, STOP_MARKET, WAITING_STOP } from './codes.js';
import type { Ladder } from './ladder.js';
import {
  kindOf,
  MAX_INT32,
  NO_SLOT,
  postOnlyOf,
  R_FLAGS,
  R_QTY,
  R_REM,
  R_TICK,
  sideOf,
  stateOf,
  type OrderIndex,
  type OrderPool,
} from './order-pool.js';

export interface BookConfig {
  /** Cents per tick. */
  readonly tickSize: number;
  /** Shares per lot. */
  readonly lotSize: number;
  /** Hard price limits in cents; market orders never trade outside them. */
  readonly priceBand: { readonly min: number; readonly max: number } | null;
  /** Without a band, how many ticks apart the book's prices may be (default 2^22). */
  readonly maxPriceSpan?: number;
  /** Room to reserve up front for live orders (and order ids), so a busy book does not grow while trading. */
  readonly expectedOrders?: number;
  /**
   * The volatility tunnel, in basis points of the reference price (the last call auction's price, or the last
   * close's, or the one `recenterTunnel` gave): an order that would trade beyond it stops there and the book goes into
   * a call auction (`BookEvents.volatilityAuction`). Absent or 0: none.
   */
  readonly auctionTunnelBps?: number;
  /** The most shares one order may ask for (a multiple of the lot); more is refused `quantity_over_limit`. */
  readonly maxOrderQuantity?: number;
}

/** Throws on a config no book can run with: the core's only throw, before any command. */
export function checkConfig({
  tickSize,
  lotSize,
  priceBand,
  auctionTunnelBps = 0,
  maxOrderQuantity,
}: BookConfig): void {
  if (!Number.isInteger(auctionTunnelBps) || auctionTunnelBps < 0 || auctionTunnelBps > 10_000) {
    throw new RangeError('auctionTunnelBps must be an integer from 0 to 10000');
  }
  if (!isPositiveInteger(tickSize) || !isPositiveInteger(lotSize)) {
    throw new RangeError('tickSize and lotSize must be positive integers');
  }
  if (
    maxOrderQuantity !== undefined &&
    !(isPositiveInteger(maxOrderQuantity) && maxOrderQuantity <= MAX_INT32 && maxOrderQuantity % lotSize === 0)
  ) {
    throw new RangeError('maxOrderQuantity must be a positive 32-bit integer on the lot');
  }
  if (priceBand !== null && (priceBand.min % tickSize !== 0 || priceBand.max % tickSize !== 0)) {
    throw new RangeError('the price band must be on the tick');
  }
  if (priceBand !== null && !(isPositiveInteger(priceBand.min) && priceBand.min <= priceBand.max)) {
    throw new RangeError('the price band must be positive with min <= max');
  }
}

function isPositiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/** `value % step === 0` without a floating-point modulo (a library call in V8) for everyday magnitudes. */
function isMultiple(value: number, step: number): boolean {
  if (step === 1) return true;
  if (value <= 0x7fffffff && step <= 0x7fffffff) return (value | 0) % (step | 0) === 0;
  return value % step === 0;
}

/**
 * What the book accepts: an instrument's tick, lot and price band applied to new orders and amends, each breach
 * named by a reason code rather than thrown. Covering a price on the ladder here is what lets it rest later.
 */
export class OrderRules {
  readonly tick: number;
  readonly lot: number;
  readonly bandMin: number;
  readonly bandMax: number;
  readonly maxQuantity: number;

  constructor(
    config: BookConfig,
    private readonly ladder: Ladder,
    private readonly orders: OrderPool,
    private readonly index: OrderIndex,
  ) {
    this.tick = config.tickSize;
    this.lot = config.lotSize;
    this.bandMin = config.priceBand?.min ?? 1;
    this.bandMax = config.priceBand?.max ?? Number.MAX_SAFE_INTEGER;
    this.maxQuantity = config.maxOrderQuantity ?? MAX_INT32;
  }

  newOrder(
    id: number,
    side: number,
    kind: number,
    timeInForce: number,
    price: number,
    stopPrice: number,
    trailingOffset: number,
    quantity: number,
    postOnly: boolean,
  ): RejectReason | null {
    if (!(Number.isInteger(id) && id >= 0 && id <= MAX_INT32) || (side !== BUY && side !== SELL)) {
      return 'invalid_order';
    }
    if (kind < LIMIT || kind > STOP_MARKET) return 'invalid_order';
    if (!isPositiveInteger(quantity) || quantity > MAX_INT32) return 'invalid_order';
    const priced = kind === LIMIT || kind === STOP_LIMIT;
    const isStop = kind === STOP_LIMIT || kind === STOP_MARKET;
    if (priced && price === 0) return 'invalid_order';
    if (isStop ? stopPrice === 0 : stopPrice !== 0 || trailingOffset !== 0) return 'invalid_order';
    if (kind === MARKET ? timeInForce !== IOC && timeInForce !== FOK : timeInForce < GTC || timeInForce > FOK) {
      return 'invalid_order';
    }
    if (isStop && timeInForce !== GTC && timeInForce !== DAY) return 'invalid_order';
    if (postOnly && (kind !== LIMIT || timeInForce === IOC || timeInForce === FOK)) return 'invalid_order';
    if (!isMultiple(quantity, this.lot)) return 'off_lot';
    if (quantity > this.maxQuantity) return 'quantity_over_limit';
    if (priced || price !== 0) {
      // A market order's price is its protection price: it never rests, so it needs no room on the ladder.
      const reason = priced ? this.price(price) : this.priceValue(price);
      if (reason !== null) return reason;
    }
    if (isStop) {
      const reason = this.stop(stopPrice, trailingOffset);
      if (reason !== null) return reason;
    }
    if (this.index.get(id) !== NO_SLOT) return 'duplicate_order_id';
    if (postOnly && this.wouldTake(side === BUY, price)) return 'post_only_would_take';
    return null;
  }

  /** New terms for the live order in `slot` (0: unchanged); at least one must differ from what it has. */
  amend(
    slot: number,
    newPrice: number,
    newQuantity: number,
    newStopPrice: number,
    newTrailingOffset: number,
  ): RejectReason | null {
    const r = this.orders.records;
    const flags = r[slot + R_FLAGS]!;
    if (newPrice === 0 && newQuantity === 0 && newStopPrice === 0 && newTrailingOffset === 0) return 'invalid_order';
    if (newQuantity !== 0) {
      if (!isPositiveInteger(newQuantity) || newQuantity > MAX_INT32) return 'invalid_order';
      if (!isMultiple(newQuantity, this.lot)) return 'off_lot';
      if (newQuantity > this.maxQuantity) return 'quantity_over_limit';
      if (newQuantity <= r[slot + R_QTY]! - r[slot + R_REM]!) return 'quantity_below_filled';
    }
    if (newStopPrice !== 0 || newTrailingOffset !== 0) {
      // Once fired, a stop order is a limit or market order like any other; only a trailing stop has a distance.
      if (stateOf(flags) !== WAITING_STOP) return 'not_amendable';
      if (newTrailingOffset !== 0 && this.orders.trailingOffset(slot) === 0) return 'not_amendable';
      const reason = this.stop(newStopPrice === 0 ? this.orders.stopPrice(slot) : newStopPrice, newTrailingOffset);
      if (reason !== null) return reason;
    }
    if (newPrice !== 0) {
      const kind = kindOf(flags);
      if (kind === MARKET || (kind === STOP_MARKET && newStopPrice === 0)) return 'not_amendable';
      // A stop-market's price is its protection: it never rests.
      const reason = kind === STOP_MARKET ? this.priceValue(newPrice) : this.price(newPrice);
      if (reason !== null) return reason;
      if (postOnlyOf(flags) === 1 && this.wouldTake(sideOf(flags) === BUY, newPrice)) return 'post_only_would_take';
    }
    const unchanged =
      (newPrice === 0 || newPrice === r[slot + R_TICK]! * this.tick) &&
      (newQuantity === 0 || newQuantity === r[slot + R_QTY]) &&
      (newStopPrice === 0 || newStopPrice === this.orders.stopPrice(slot)) &&
      (newTrailingOffset === 0 || newTrailingOffset === this.orders.trailingOffset(slot));
    return unchanged ? 'invalid_order' : null;
  }

  /** A price an order may rest at: on the tick, in the band, with room on the ladder (covered from now on). */
  price(price: number): RejectReason | null {
    const reason = this.priceValue(price);
    if (reason !== null) return reason;
    if (this.ladder.cover(price / this.tick) < 0) return 'price_out_of_band';
    return null;
  }

  /** A positive price on the tick, in the band, whose tick number fits an order record. */
  priceValue(price: number): RejectReason | null {
    if (!isPositiveInteger(price)) return 'invalid_order';
    if (!isMultiple(price, this.tick)) return 'off_tick';
    if (price < this.bandMin || price > this.bandMax || price / this.tick > MAX_INT32) return 'price_out_of_band';
    return null;
  }

  /** A stop price (and trailing distance, 0 for none): positive, on the tick, in the band. */
  stop(stopPrice: number, trailingOffset: number): RejectReason | null {
    if (!isPositiveInteger(stopPrice) || (trailingOffset !== 0 && !isPositiveInteger(trailingOffset))) {
      return 'invalid_order';
    }
    if (!isMultiple(stopPrice, this.tick) || !isMultiple(trailingOffset, this.tick)) return 'off_tick';
    if (stopPrice < this.bandMin || stopPrice > this.bandMax) return 'price_out_of_band';
    return null;
  }

  /** Whether a post-only order at `price` would meet the other side's best price. */
  private wouldTake(isBuy: boolean, price: number): boolean {
    const rung = isBuy ? this.ladder.bestAsk : this.ladder.bestBid;
    if (rung < 0) return false;
    const best = (rung + this.ladder.base) * this.tick;
    return isBuy ? price >= best : price <= best;
  }
}
