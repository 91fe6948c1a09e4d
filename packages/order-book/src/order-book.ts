import type { CancelReason, OrderChange, RejectReason } from '@bolsa/contracts';
import {
  ANY_ACCOUNT,
  BUY,
  DAY,
  FOK,
  GTC,
  IOC,
  LIMIT,
  MARKET,
  RESTING,
  SELL,
  STOP_LIMIT,
  STOP_MARKET,
  STP_CANCEL_BOTH,
  STP_CANCEL_NEWEST,
  STP_CANCEL_OLDEST,
  STP_DECREMENT_AND_CANCEL,
  STP_NONE,
  WAITING_STOP,
  type OrderKindCode,
  type SelfTradePreventionCode,
  type SideCode,
  type TimeInForceCode,
} from './codes.js';
import { checkBook, hashBook, loadSnapshot, snapshotBook, type BookSnapshot } from './book-state.js';
import { Ladder } from './ladder.js';
import { LevelPool } from './level-pool.js';
import {
  I_ACCOUNT,
  I_FLAGS,
  F_ID,
  I_LEVEL,
  I_NEXT,
  I_PREV,
  F_PRICE,
  F_QTY,
  F_REM,
  F_SEQ,
  S_STOP,
  S_TRAIL,
  kindOf,
  NO_SLOT,
  OrderIndex,
  OrderPool,
  packFlags,
  postOnlyOf,
  selfTradeOf,
  sideOf,
  stateOf,
  timeInForceOf,
  withKind,
  withState,
} from './order-pool.js';
import { StopBook } from './stop-book.js';

/**
 * What the book tells the world. Arguments are plain numbers and constant strings so that emitting an event
 * allocates nothing; prices are cents, 0 meaning "none".
 */
export interface BookEvents {
  accepted(orderId: number): void;
  rejected(orderId: number, reason: RejectReason): void;
  trade(
    tradeNumber: number,
    price: number,
    quantity: number,
    aggressorSide: SideCode,
    makerId: number,
    makerAccount: number,
    takerId: number,
    takerAccount: number,
  ): void;
  updated(
    orderId: number,
    change: OrderChange,
    price: number,
    stopPrice: number,
    quantity: number,
    remaining: number,
  ): void;
  filled(orderId: number, quantity: number): void;
  cancelled(orderId: number, reason: CancelReason, filled: number, cancelled: number): void;
  expired(orderId: number, filled: number, expired: number): void;
  stopTriggered(orderId: number, stopPrice: number, lastTradePrice: number): void;
  levelChanged(side: SideCode, price: number, quantity: number, orderCount: number): void;
}

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
}

export interface LevelView {
  readonly price: number;
  readonly quantity: number;
  readonly orderCount: number;
}

const DEFAULT_MAX_SPAN = 1 << 22;

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
 * One instrument's order book: strict price-time priority, trades at the resting order's price. Every method
 * is a command; its outcome is reported through `BookEvents`, never thrown. Same commands in the same order
 * give the same events and the same `stateHash()`.
 */
export class OrderBook {
  /** @internal */ readonly orders: OrderPool;
  /** @internal */ readonly index: OrderIndex;
  /** @internal */ readonly levels = new LevelPool();
  /** @internal */ readonly ladder: Ladder;
  /** @internal */ readonly stops: StopBook;
  /** @internal */ lastPrice = 0;
  /** @internal */ trades = 0;
  /** @internal */ arrivals = 0;

  private readonly tick: number;
  private readonly lot: number;
  private readonly bandMin: number;
  private readonly bandMax: number;
  private readonly triggered: number[] = [];

  constructor(
    readonly config: BookConfig,
    private readonly events: BookEvents,
  ) {
    const { tickSize, lotSize, priceBand } = config;
    if (!isPositiveInteger(tickSize) || !isPositiveInteger(lotSize)) {
      throw new RangeError('tickSize and lotSize must be positive integers');
    }
    if (priceBand !== null && (priceBand.min % tickSize !== 0 || priceBand.max % tickSize !== 0)) {
      throw new RangeError('the price band must be on the tick');
    }
    if (priceBand !== null && !(isPositiveInteger(priceBand.min) && priceBand.min <= priceBand.max)) {
      throw new RangeError('the price band must be positive with min <= max');
    }
    this.orders = new OrderPool(config.expectedOrders);
    this.index = new OrderIndex(this.orders, config.expectedOrders);
    this.tick = tickSize;
    this.lot = lotSize;
    this.bandMin = priceBand?.min ?? 1;
    this.bandMax = priceBand?.max ?? Number.MAX_SAFE_INTEGER;
    const fixed = priceBand === null ? null : { lowTick: priceBand.min / tickSize, highTick: priceBand.max / tickSize };
    this.ladder = new Ladder(this.levels, fixed, config.maxPriceSpan ?? DEFAULT_MAX_SPAN);
    this.stops = new StopBook(this.orders);
  }

  // ---- commands ---------------------------------------------------------------------------------------------

  place(
    id: number,
    account: number,
    side: SideCode,
    kind: OrderKindCode,
    timeInForce: TimeInForceCode,
    price: number,
    stopPrice: number,
    trailingOffset: number,
    quantity: number,
    postOnly: boolean,
    selfTrade: SelfTradePreventionCode,
  ): void {
    const reason = this.checkNew(id, side, kind, timeInForce, price, stopPrice, trailingOffset, quantity, postOnly);
    const validOwner = Number.isInteger(account) && account >= 0 && account <= 0x7fffffff;
    if (reason !== null || !validOwner || !(selfTrade >= STP_CANCEL_NEWEST && selfTrade <= STP_NONE)) {
      this.events.rejected(id, reason ?? 'invalid_order');
      return;
    }
    const slot = this.orders.allocate();
    const d = this.orders.data;
    const n = this.orders.links;
    const s = this.orders.stops;
    d[slot + F_ID] = id;
    n[(slot << 1) + I_ACCOUNT] = account;
    n[(slot << 1) + I_FLAGS] = packFlags(side, kind, timeInForce, selfTrade, postOnly ? 1 : 0, 0);
    d[slot + F_PRICE] = price;
    s[(slot >> 2) + S_STOP] = stopPrice;
    s[(slot >> 2) + S_TRAIL] = trailingOffset;
    d[slot + F_QTY] = quantity;
    d[slot + F_REM] = quantity;
    this.index.set(id, slot);
    this.events.accepted(id);
    if (kind === STOP_LIMIT || kind === STOP_MARKET) this.arm(slot);
    else this.execute(slot);
    if (this.triggered.length !== 0) this.fireTriggered();
  }

  cancel(id: number, account: number): void {
    const slot = this.liveSlot(id, account);
    if (slot === NO_SLOT) return;
    const n = this.orders.links;
    if (stateOf(n[(slot << 1) + I_FLAGS]!) === RESTING) {
      const level = n[(slot << 1) + I_LEVEL]!;
      this.removeResting(slot, 'requested');
      this.settleLevel(level);
    } else {
      this.stops.remove(slot, sideOf(n[(slot << 1) + I_FLAGS]!) === BUY);
      this.finish(slot, 'requested');
    }
  }

  /**
   * New price and/or new total quantity (0 leaves a field as it is). Lowering the quantity keeps time
   * priority; a new price or a larger quantity sends the order to the back, and a new price that crosses trades.
   */
  amend(id: number, account: number, newPrice: number, newQuantity: number): void {
    const slot = this.liveSlot(id, account);
    if (slot === NO_SLOT) return;
    const reason = this.checkAmend(slot, newPrice, newQuantity);
    if (reason !== null) {
      this.events.rejected(id, reason);
      return;
    }
    const d = this.orders.data;
    const n = this.orders.links;
    const price = newPrice === 0 ? d[slot + F_PRICE]! : newPrice;
    const quantity = newQuantity === 0 ? d[slot + F_QTY]! : newQuantity;
    const filled = d[slot + F_QTY]! - d[slot + F_REM]!;
    const grows = quantity > d[slot + F_QTY]!;
    const repriced = price !== d[slot + F_PRICE]!;
    const isBuy = sideOf(n[(slot << 1) + I_FLAGS]!) === BUY;

    if (stateOf(n[(slot << 1) + I_FLAGS]!) === WAITING_STOP) {
      if (grows) this.stops.remove(slot, isBuy);
      this.setSize(slot, price, quantity, filled);
      if (grows) this.armWaiting(slot, isBuy);
      this.announce(slot, 'amended');
      return;
    }
    const level = n[(slot << 1) + I_LEVEL]!;
    if (!grows && !repriced) {
      this.levels.quantity[level] = this.levels.quantity[level]! - (d[slot + F_QTY]! - quantity);
      this.setSize(slot, price, quantity, filled);
      this.announce(slot, 'amended');
      this.settleLevel(level);
      return;
    }
    this.unlink(slot);
    this.setSize(slot, price, quantity, filled);
    this.announce(slot, 'amended');
    this.settleLevel(level);
    this.execute(slot);
    if (this.triggered.length !== 0) this.fireTriggered();
  }

  /** Closes the day: every DAY order, resting or waiting for its stop, expires. Bids first, best price first. */
  endOfDay(): void {
    const n = this.orders.links;
    const ladder = this.ladder;
    for (const isBuy of [true, false]) {
      let rung = isBuy ? ladder.bestBid : ladder.bestAsk;
      while (rung >= 0) {
        const following = isBuy ? ladder.bids.prevAtOrBelow(rung - 1) : ladder.asks.nextAtOrAbove(rung + 1);
        const level = ladder.slots[rung]! - 1;
        let touched = false;
        for (let slot = this.levels.head[level]!; slot !== NO_SLOT;) {
          const next = n[(slot << 1) + I_NEXT]!;
          if (timeInForceOf(n[(slot << 1) + I_FLAGS]!) === DAY) {
            this.unlink(slot);
            this.expire(slot);
            touched = true;
          }
          slot = next;
        }
        if (touched) this.settleLevel(level);
        rung = following;
      }
    }
    for (const list of [this.stops.buys, this.stops.sells]) {
      for (const slot of [...list]) {
        if (timeInForceOf(n[(slot << 1) + I_FLAGS]!) !== DAY) continue;
        this.stops.remove(slot, sideOf(n[(slot << 1) + I_FLAGS]!) === BUY);
        this.expire(slot);
      }
    }
  }

  // ---- state ------------------------------------------------------------------------------------------------

  /** A plain JSON-serialisable copy of everything that decides the book's future behaviour. */
  snapshot(): BookSnapshot {
    return snapshotBook(this);
  }

  static restore(snapshot: BookSnapshot, events: BookEvents): OrderBook {
    const book = new OrderBook(snapshot.config, events);
    loadSnapshot(book, snapshot);
    return book;
  }

  /** A digest of the book's state: equal books, equal hashes, whatever path led to them. */
  stateHash(): string {
    return hashBook(this);
  }

  /** Every broken structural invariant, described; empty when the book is sound. */
  validateInternalState(): string[] {
    return checkBook(this);
  }

  // ---- queries ----------------------------------------------------------------------------------------------

  /** Best bid price in cents, or 0 when there are no bids. */
  bestBid(): number {
    return this.ladder.bestBid < 0 ? 0 : (this.ladder.bestBid + this.ladder.base) * this.tick;
  }

  /** Best ask price in cents, or 0 when there are no asks. */
  bestAsk(): number {
    return this.ladder.bestAsk < 0 ? 0 : (this.ladder.bestAsk + this.ladder.base) * this.tick;
  }

  /** Up to `maxLevels` levels of one side, best first. */
  depth(side: SideCode, maxLevels: number): LevelView[] {
    const ladder = this.ladder;
    const isBuy = side === BUY;
    const result: LevelView[] = [];
    let rung = isBuy ? ladder.bestBid : ladder.bestAsk;
    while (rung >= 0 && result.length < maxLevels) {
      const level = ladder.slots[rung]! - 1;
      result.push({
        price: (rung + ladder.base) * this.tick,
        quantity: this.levels.quantity[level]!,
        orderCount: this.levels.count[level]!,
      });
      rung = isBuy ? ladder.bids.prevAtOrBelow(rung - 1) : ladder.asks.nextAtOrAbove(rung + 1);
    }
    return result;
  }

  /** Orders resting in the book or waiting for their stop. */
  get liveOrders(): number {
    return this.orders.live;
  }

  /** Price of the last trade in cents, or 0 before the first. */
  get lastTradePrice(): number {
    return this.lastPrice;
  }

  /** Bytes this book holds in its pools, index and ladder: its memory cost, growing only with its peak size. */
  get footprintBytes(): number {
    const stops = (this.stops.buys.length + this.stops.sells.length) * 8;
    return this.orders.bytes + this.index.bytes + this.levels.bytes + this.ladder.bytes + stops;
  }

  /** Whether an order with this id is live (resting or waiting for its stop). */
  isLive(id: number): boolean {
    return this.index.get(id) !== NO_SLOT;
  }

  // ---- validation -------------------------------------------------------------------------------------------

  private checkNew(
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
    if (!(Number.isSafeInteger(id) && id >= 0) || (side !== BUY && side !== SELL)) return 'invalid_order';
    if (kind < LIMIT || kind > STOP_MARKET) return 'invalid_order';
    if (!isPositiveInteger(quantity)) return 'invalid_order';
    const priced = kind === LIMIT || kind === STOP_LIMIT;
    const isStop = kind === STOP_LIMIT || kind === STOP_MARKET;
    if (priced ? price === 0 : price !== 0) return 'invalid_order';
    if (isStop ? stopPrice === 0 : stopPrice !== 0 || trailingOffset !== 0) return 'invalid_order';
    if (kind === MARKET ? timeInForce !== IOC && timeInForce !== FOK : timeInForce < GTC || timeInForce > FOK) {
      return 'invalid_order';
    }
    if (isStop && timeInForce !== GTC && timeInForce !== DAY) return 'invalid_order';
    if (postOnly && (kind !== LIMIT || timeInForce === IOC || timeInForce === FOK)) return 'invalid_order';
    if (!isMultiple(quantity, this.lot)) return 'off_lot';
    if (priced) {
      const reason = this.checkPrice(price);
      if (reason !== null) return reason;
    }
    if (isStop) {
      if (!isPositiveInteger(stopPrice) || (trailingOffset !== 0 && !isPositiveInteger(trailingOffset))) {
        return 'invalid_order';
      }
      if (!isMultiple(stopPrice, this.tick) || !isMultiple(trailingOffset, this.tick)) return 'off_tick';
      if (stopPrice < this.bandMin || stopPrice > this.bandMax) return 'price_out_of_band';
    }
    if (this.index.get(id) !== NO_SLOT) return 'duplicate_order_id';
    if (postOnly && this.wouldTake(side === BUY, price)) return 'post_only_would_take';
    return null;
  }

  /** Tick, band and room on the ladder; covering the price now means it can always rest later. */
  private checkPrice(price: number): RejectReason | null {
    if (!isPositiveInteger(price)) return 'invalid_order';
    if (!isMultiple(price, this.tick)) return 'off_tick';
    if (price < this.bandMin || price > this.bandMax) return 'price_out_of_band';
    if (this.ladder.cover(price / this.tick) < 0) return 'price_out_of_band';
    return null;
  }

  private checkAmend(slot: number, newPrice: number, newQuantity: number): RejectReason | null {
    const d = this.orders.data;
    const n = this.orders.links;
    if (newPrice === 0 && newQuantity === 0) return 'invalid_order';
    if (newQuantity !== 0) {
      if (!isPositiveInteger(newQuantity)) return 'invalid_order';
      if (!isMultiple(newQuantity, this.lot)) return 'off_lot';
      if (newQuantity <= d[slot + F_QTY]! - d[slot + F_REM]!) return 'quantity_below_filled';
    }
    if (newPrice !== 0) {
      const kind = kindOf(n[(slot << 1) + I_FLAGS]!);
      if (kind === MARKET || kind === STOP_MARKET) return 'not_amendable';
      const reason = this.checkPrice(newPrice);
      if (reason !== null) return reason;
      if (
        postOnlyOf(n[(slot << 1) + I_FLAGS]!) === 1 &&
        this.wouldTake(sideOf(n[(slot << 1) + I_FLAGS]!) === BUY, newPrice)
      )
        return 'post_only_would_take';
    }
    const unchanged =
      (newPrice === 0 || newPrice === d[slot + F_PRICE]) && (newQuantity === 0 || newQuantity === d[slot + F_QTY]);
    return unchanged ? 'invalid_order' : null;
  }

  private wouldTake(isBuy: boolean, price: number): boolean {
    const best = isBuy ? this.bestAsk() : this.bestBid();
    return best !== 0 && (isBuy ? price >= best : price <= best);
  }

  /** The slot of a live order the account may touch, or NO_SLOT after reporting why not. */
  private liveSlot(id: number, account: number): number {
    const slot = this.index.get(id);
    if (slot === NO_SLOT) {
      this.events.rejected(id, 'unknown_order');
    } else if (account !== ANY_ACCOUNT && this.orders.links[(slot << 1) + I_ACCOUNT] !== account) {
      this.events.rejected(id, 'not_order_owner');
      return NO_SLOT;
    }
    return slot;
  }

  // ---- matching ---------------------------------------------------------------------------------------------

  /** An order arriving at the book (new, amended, or triggered): match what it can, then rest or finish it. */
  private execute(slot: number): void {
    const d = this.orders.data;
    const n = this.orders.links;
    const timeInForce = timeInForceOf(n[(slot << 1) + I_FLAGS]!);
    if (timeInForce === FOK && !this.canFillCompletely(slot)) {
      this.finish(slot, 'fill_or_kill');
      return;
    }
    const before = d[slot + F_REM]!;
    if (!this.match(slot)) return;
    const remaining = d[slot + F_REM]!;
    if (remaining === 0) {
      this.events.filled(d[slot + F_ID]!, d[slot + F_QTY]!);
      this.discard(slot);
    } else if (kindOf(n[(slot << 1) + I_FLAGS]!) === MARKET) {
      this.finish(slot, 'no_liquidity');
    } else if (timeInForce === IOC) {
      this.finish(slot, 'immediate_or_cancel');
    } else if (timeInForce === FOK) {
      this.finish(slot, 'fill_or_kill');
    } else {
      if (remaining !== before) this.announce(slot, 'partially_filled');
      this.rest(slot);
    }
  }

  /** Takes liquidity for `taker`; false when self-trade prevention cancelled the taker. */
  private match(taker: number): boolean {
    const d = this.orders.data;
    const n = this.orders.links;
    const levels = this.levels;
    const ladder = this.ladder;
    const events = this.events;
    const side = sideOf(n[(taker << 1) + I_FLAGS]!) as SideCode;
    const isBuy = side === BUY;
    const limitTick =
      kindOf(n[(taker << 1) + I_FLAGS]!) === MARKET ? (isBuy ? Infinity : -Infinity) : d[taker + F_PRICE]! / this.tick;
    const selfTrade = selfTradeOf(n[(taker << 1) + I_FLAGS]!);
    const takerAccount = n[(taker << 1) + I_ACCOUNT]!;
    const takerId = d[taker + F_ID]!;
    let remaining = d[taker + F_REM]!;
    let takerStopped = false;

    while (remaining > 0 && !takerStopped) {
      const rung = isBuy ? ladder.bestAsk : ladder.bestBid;
      if (rung < 0) break;
      const tick = rung + ladder.base;
      if (isBuy ? tick > limitTick : tick < limitTick) break;
      const level = ladder.slots[rung]! - 1;
      const price = tick * this.tick;
      let maker = levels.head[level]!;
      let touched = false;
      while (maker !== NO_SLOT && remaining > 0) {
        const next = n[(maker << 1) + I_NEXT]!;
        const makerRemaining = d[maker + F_REM]!;
        if (selfTrade !== STP_NONE && n[(maker << 1) + I_ACCOUNT] === takerAccount) {
          if (selfTrade === STP_CANCEL_NEWEST) {
            takerStopped = true;
            break;
          }
          touched = true;
          if (selfTrade === STP_DECREMENT_AND_CANCEL) {
            const cut = remaining < makerRemaining ? remaining : makerRemaining;
            if (cut === makerRemaining) this.removeResting(maker, 'self_trade_prevention');
            else this.decrement(maker, cut, level);
            if (cut === remaining) {
              takerStopped = true;
              break;
            }
            remaining -= cut;
            this.decrement(taker, cut, NO_SLOT);
          } else {
            this.removeResting(maker, 'self_trade_prevention');
            if (selfTrade === STP_CANCEL_BOTH) {
              takerStopped = true;
              break;
            }
          }
          maker = next;
          continue;
        }
        touched = true;
        const quantity = remaining < makerRemaining ? remaining : makerRemaining;
        remaining -= quantity;
        d[taker + F_REM] = remaining;
        levels.quantity[level] = levels.quantity[level]! - quantity;
        this.lastPrice = price;
        events.trade(
          ++this.trades,
          price,
          quantity,
          side,
          d[maker + F_ID]!,
          n[(maker << 1) + I_ACCOUNT]!,
          takerId,
          takerAccount,
        );
        if (quantity === makerRemaining) {
          d[maker + F_REM] = 0;
          this.unlink(maker);
          events.filled(d[maker + F_ID]!, d[maker + F_QTY]!);
          this.discard(maker);
        } else {
          d[maker + F_REM] = makerRemaining - quantity;
          this.announce(maker, 'partially_filled');
        }
        if (this.stops.size !== 0) this.afterTrade(price);
        maker = next;
      }
      if (touched) this.settleLevel(level);
    }
    if (takerStopped) {
      this.finish(taker, 'self_trade_prevention');
      return false;
    }
    return true;
  }

  /** Self-trade prevention's decrement: the order shrinks by `cut` without trading. */
  private decrement(slot: number, cut: number, level: number): void {
    const d = this.orders.data;
    d[slot + F_QTY] = d[slot + F_QTY]! - cut;
    d[slot + F_REM] = d[slot + F_REM]! - cut;
    if (level !== NO_SLOT) this.levels.quantity[level] = this.levels.quantity[level]! - cut;
    this.announce(slot, 'decremented');
  }

  /** The all-or-nothing check for FOK, before any fill: what the taker could take, own orders considered. */
  private canFillCompletely(taker: number): boolean {
    const d = this.orders.data;
    const n = this.orders.links;
    const ladder = this.ladder;
    const isBuy = sideOf(n[(taker << 1) + I_FLAGS]!) === BUY;
    const limitTick =
      kindOf(n[(taker << 1) + I_FLAGS]!) === MARKET ? (isBuy ? Infinity : -Infinity) : d[taker + F_PRICE]! / this.tick;
    const selfTrade = selfTradeOf(n[(taker << 1) + I_FLAGS]!);
    const account = n[(taker << 1) + I_ACCOUNT];
    let needed = d[taker + F_REM]!;
    let rung = isBuy ? ladder.bestAsk : ladder.bestBid;
    while (rung >= 0) {
      const tick = rung + ladder.base;
      if (isBuy ? tick > limitTick : tick < limitTick) return false;
      const level = ladder.slots[rung]! - 1;
      if (selfTrade === STP_NONE) {
        needed -= this.levels.quantity[level]!;
      } else {
        for (let maker = this.levels.head[level]!; maker !== NO_SLOT && needed > 0; maker = n[(maker << 1) + I_NEXT]!) {
          if (n[(maker << 1) + I_ACCOUNT] !== account) needed -= d[maker + F_REM]!;
          else if (selfTrade !== STP_CANCEL_OLDEST) return false;
        }
      }
      if (needed <= 0) return true;
      rung = isBuy ? ladder.asks.nextAtOrAbove(rung + 1) : ladder.bids.prevAtOrBelow(rung - 1);
    }
    return false;
  }

  // ---- stops ------------------------------------------------------------------------------------------------

  private arm(slot: number): void {
    const d = this.orders.data;
    const n = this.orders.links;
    const s = this.orders.stops;
    const isBuy = sideOf(n[(slot << 1) + I_FLAGS]!) === BUY;
    const stopPrice = s[(slot >> 2) + S_STOP]!;
    const last = this.lastPrice;
    if (last !== 0 && (isBuy ? last >= stopPrice : last <= stopPrice)) {
      this.events.stopTriggered(d[slot + F_ID]!, stopPrice, last);
      this.triggered.push(slot);
      return;
    }
    this.armWaiting(slot, isBuy);
  }

  private armWaiting(slot: number, isBuy: boolean): void {
    this.orders.data[slot + F_SEQ] = ++this.arrivals;
    this.orders.links[(slot << 1) + I_FLAGS] = withState(this.orders.links[(slot << 1) + I_FLAGS]!, WAITING_STOP);
    this.stops.insert(slot, isBuy);
  }

  /** A trade printed: fire the stops it reaches, then let trailing stops follow it. */
  private afterTrade(price: number): void {
    const triggered = this.triggered;
    const from = triggered.length;
    this.stops.takeTriggered(price, true, triggered);
    this.stops.takeTriggered(price, false, triggered);
    for (let i = from; i < triggered.length; i++) {
      const slot = triggered[i]!;
      this.orders.links[(slot << 1) + I_FLAGS] = withState(this.orders.links[(slot << 1) + I_FLAGS]!, 0);
      this.events.stopTriggered(this.orders.data[slot + F_ID]!, this.orders.stops[(slot >> 2) + S_STOP]!, price);
    }
    if (this.stops.trailing !== 0) this.trail(price);
  }

  private trail(price: number): void {
    const s = this.orders.stops;
    for (const isBuy of [true, false]) {
      let moved = false;
      for (const slot of isBuy ? this.stops.buys : this.stops.sells) {
        const offset = s[(slot >> 2) + S_TRAIL]!;
        if (offset === 0) continue;
        const follow = isBuy ? price + offset : price - offset;
        if (isBuy ? follow < s[(slot >> 2) + S_STOP]! : follow > s[(slot >> 2) + S_STOP]!) {
          s[(slot >> 2) + S_STOP] = follow;
          this.announce(slot, 'stop_moved');
          moved = true;
        }
      }
      if (moved) this.stops.resort(isBuy);
    }
  }

  /** Triggered stops enter the book one by one, in trigger order; their own trades may trigger more. */
  private fireTriggered(): void {
    const n = this.orders.links;
    const triggered = this.triggered;
    for (let i = 0; i < triggered.length; i++) {
      const slot = triggered[i]!;
      const flags = n[(slot << 1) + I_FLAGS]!;
      n[(slot << 1) + I_FLAGS] = withKind(flags, kindOf(flags) === STOP_LIMIT ? LIMIT : MARKET);
      this.execute(slot);
    }
    triggered.length = 0;
  }

  // ---- book keeping -----------------------------------------------------------------------------------------

  private rest(slot: number): void {
    const d = this.orders.data;
    const n = this.orders.links;
    const ladder = this.ladder;
    const side = sideOf(n[(slot << 1) + I_FLAGS]!);
    const rung = d[slot + F_PRICE]! / this.tick - ladder.base;
    let level = ladder.slots[rung]! - 1;
    const levels = this.levels;
    if (level < 0) {
      level = levels.allocate(side, rung);
      ladder.slots[rung] = level + 1;
      if (side === BUY) {
        ladder.bids.set(rung);
        if (rung > ladder.bestBid) ladder.bestBid = rung;
      } else {
        ladder.asks.set(rung);
        if (ladder.bestAsk < 0 || rung < ladder.bestAsk) ladder.bestAsk = rung;
      }
    }
    const tail = levels.tail[level]!;
    n[(slot << 1) + I_PREV] = tail;
    n[(slot << 1) + I_NEXT] = NO_SLOT;
    if (tail === NO_SLOT) levels.head[level] = slot;
    else n[(tail << 1) + I_NEXT] = slot;
    levels.tail[level] = slot;
    levels.count[level] = levels.count[level]! + 1;
    levels.quantity[level] = levels.quantity[level]! + d[slot + F_REM]!;
    n[(slot << 1) + I_LEVEL] = level;
    n[(slot << 1) + I_FLAGS] = withState(n[(slot << 1) + I_FLAGS]!, RESTING);
    d[slot + F_SEQ] = ++this.arrivals;
    this.events.levelChanged(side as SideCode, d[slot + F_PRICE]!, levels.quantity[level]!, levels.count[level]!);
  }

  /**
   * Takes an order out of its level's FIFO. A level's head is known by the level, not by a NO_SLOT prev link:
   * popping the head (every fill) then leaves the next order's record alone, which in a deep book is usually
   * not in cache. The head's own prev link is therefore meaningless.
   */
  private unlink(slot: number): void {
    const d = this.orders.data;
    const n = this.orders.links;
    const levels = this.levels;
    const level = n[(slot << 1) + I_LEVEL]!;
    const next = n[(slot << 1) + I_NEXT]!;
    if (levels.head[level] === slot) {
      levels.head[level] = next;
      if (next === NO_SLOT) levels.tail[level] = NO_SLOT;
    } else {
      const prev = n[(slot << 1) + I_PREV]!;
      n[(prev << 1) + I_NEXT] = next;
      if (next === NO_SLOT) levels.tail[level] = prev;
      else n[(next << 1) + I_PREV] = prev;
    }
    levels.count[level] = levels.count[level]! - 1;
    levels.quantity[level] = levels.quantity[level]! - d[slot + F_REM]!;
  }

  /** Publishes a level's new totals, and drops it from the ladder when it is empty. */
  private settleLevel(level: number): void {
    const levels = this.levels;
    const ladder = this.ladder;
    const rung = levels.rung[level]!;
    const side = levels.side[level] as SideCode;
    const count = levels.count[level]!;
    this.events.levelChanged(side, (rung + ladder.base) * this.tick, levels.quantity[level]!, count);
    if (count !== 0) return;
    ladder.slots[rung] = 0;
    if (side === BUY) {
      ladder.bids.clear(rung);
      if (rung === ladder.bestBid) ladder.bestBid = ladder.bids.prevAtOrBelow(rung - 1);
    } else {
      ladder.asks.clear(rung);
      if (rung === ladder.bestAsk) ladder.bestAsk = ladder.asks.nextAtOrAbove(rung + 1);
    }
    levels.release(level);
  }

  private removeResting(slot: number, reason: CancelReason): void {
    this.unlink(slot);
    this.finish(slot, reason);
  }

  private finish(slot: number, reason: CancelReason): void {
    const d = this.orders.data;
    const remaining = d[slot + F_REM]!;
    this.events.cancelled(d[slot + F_ID]!, reason, d[slot + F_QTY]! - remaining, remaining);
    this.discard(slot);
  }

  private expire(slot: number): void {
    const d = this.orders.data;
    const remaining = d[slot + F_REM]!;
    this.events.expired(d[slot + F_ID]!, d[slot + F_QTY]! - remaining, remaining);
    this.discard(slot);
  }

  private discard(slot: number): void {
    this.index.release(this.orders.data[slot + F_ID]!);
    this.orders.release(slot);
  }

  private setSize(slot: number, price: number, quantity: number, filled: number): void {
    this.orders.data[slot + F_PRICE] = price;
    this.orders.data[slot + F_QTY] = quantity;
    this.orders.data[slot + F_REM] = quantity - filled;
  }

  private announce(slot: number, change: OrderChange): void {
    const d = this.orders.data;
    const s = this.orders.stops;
    this.events.updated(
      d[slot + F_ID]!,
      change,
      d[slot + F_PRICE]!,
      s[(slot >> 2) + S_STOP]!,
      d[slot + F_QTY]!,
      d[slot + F_REM]!,
    );
  }
}
