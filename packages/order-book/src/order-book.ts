import type { CancelReason, CancelRequestReason, OrderChange } from '@bolsa/contracts';
import {
  ANY_ACCOUNT,
  BUY,
  DAY,
  FOK,
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
import { auctionUncross } from './auction-price.js';
import { crossAt } from './call-auction.js';
import type { BookEvents } from './book-events.js';
import { checkBook, hashBook, loadSnapshot, snapshotBook, type BookSnapshot } from './book-state.js';
import { Ladder } from './ladder.js';
import { LevelPool } from './level-pool.js';
import {
  HAS_STOP,
  kindOf,
  NO_SLOT,
  OrderIndex,
  OrderPool,
  packFlags,
  R_ACCOUNT,
  R_FLAGS,
  R_ID,
  R_NEXT,
  R_QTY,
  R_REM,
  R_TICK,
  S_SEQ,
  S_STOP,
  S_TRAIL,
  selfTradeOf,
  sideOf,
  stateOf,
  timeInForceOf,
  withKind,
  withState,
} from './order-pool.js';
import { checkConfig, OrderRules, type BookConfig } from './order-rules.js';
import { PriceLevels, type LevelView } from './price-levels.js';
import { StopBook } from './stop-book.js';
import { VolatilityTunnel } from './volatility-tunnel.js';

const DEFAULT_MAX_SPAN = 1 << 22;
/** What `preventSelfTrade` returns when the taker must stop, having changed the level or not. */
const TAKER_STOPPED = -1;
const TAKER_STOPPED_UNTOUCHED = -2;

/** Orders with nothing to do in a call auction: they only take at once, or only make. */
function takesAtOnce(kind: OrderKindCode, timeInForce: TimeInForceCode, postOnly: boolean): boolean {
  return kind === MARKET || (kind === LIMIT && (timeInForce === IOC || timeInForce === FOK || postOnly));
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
  /** @internal */ halted = false;
  /** @internal */ auction = false;
  /** @internal The volatility tunnel's reference price in cents; 0 while there is none (no tunnel then). */
  get tunnelRef(): number {
    return this.tunnel.reference;
  }

  private readonly rules: OrderRules;
  /** @internal Cents per tick, read on every trade and level change. */
  readonly tick: number;
  private readonly triggered: number[] = [];
  /** @internal */ readonly resting: PriceLevels;
  private readonly tunnel: VolatilityTunnel;
  /** Made once: trailing stops report each move through it, so a trade allocates nothing. */
  private readonly stopMoved = (slot: number): void => this.announce(slot, 'stop_moved');

  /** Throws a RangeError for a config no book can run with (tick, lot or band), before any command. */
  constructor(
    readonly config: BookConfig,
    /** @internal */ readonly events: BookEvents,
  ) {
    checkConfig(config);
    const { tickSize, priceBand } = config;
    this.orders = new OrderPool(config.expectedOrders);
    this.index = new OrderIndex(config.expectedOrders);
    this.tick = tickSize;
    const fixed = priceBand === null ? null : { lowTick: priceBand.min / tickSize, highTick: priceBand.max / tickSize };
    this.ladder = new Ladder(this.levels, fixed, config.maxPriceSpan ?? DEFAULT_MAX_SPAN);
    this.rules = new OrderRules(config, this.ladder, this.orders, this.index);
    this.stops = new StopBook(this.orders, this.rules);
    this.resting = new PriceLevels(this.orders, this.levels, this.ladder, tickSize, events);
    this.tunnel = new VolatilityTunnel(config.auctionTunnelBps ?? 0, tickSize);
  }

  // ---- commands ---------------------------------------------------------------------------------------------

  /**
   * A new order. `price` is a limit's price in cents; on a market or stop-market order it is the protection
   * price (the furthest the order may trade, its remainder cancelled there as at the band), 0 for none.
   */
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
    const reason = this.halted
      ? 'trading_halted'
      : (this.rules.newOrder(id, side, kind, timeInForce, price, stopPrice, trailingOffset, quantity, postOnly) ??
        (this.auction && takesAtOnce(kind, timeInForce, postOnly) ? 'auction_call' : null));
    const validOwner = Number.isInteger(account) && account >= 0 && account <= 0x7fffffff;
    if (reason !== null || !validOwner || !(selfTrade >= STP_CANCEL_NEWEST && selfTrade <= STP_NONE)) {
      this.events.rejected(id, reason ?? 'invalid_order');
      return;
    }
    const slot = this.orders.allocate();
    const r = this.orders.records;
    const isStop = kind === STOP_LIMIT || kind === STOP_MARKET;
    r[slot + R_ID] = id;
    r[slot + R_ACCOUNT] = account;
    r[slot + R_FLAGS] = packFlags(side, kind, timeInForce, selfTrade, postOnly ? 1 : 0, 0) | (isStop ? HAS_STOP : 0);
    r[slot + R_TICK] = price / this.tick;
    r[slot + R_QTY] = quantity;
    r[slot + R_REM] = quantity;
    if (isStop) {
      this.orders.reserveStop(slot);
      this.orders.stops[(slot >> 1) + S_STOP] = stopPrice;
      this.orders.stops[(slot >> 1) + S_TRAIL] = trailingOffset;
    }
    this.index.set(id, slot);
    this.events.accepted(id);
    if (isStop) this.arm(slot);
    else this.execute(slot);
    if (this.triggered.length !== 0) this.fireTriggered();
  }

  /** `reason` is the cancelled event's: the owner asked (`requested`), or the exchange suspended the owner. */
  cancel(id: number, account: number, reason: CancelRequestReason = 'requested'): void {
    const slot = this.liveSlot(id, account);
    if (slot !== NO_SLOT) this.withdraw(slot, reason);
  }

  /**
   * Expires one live order now, resting or waiting for its stop, whatever its time in force: the caller keeps the
   * dates orders are good till (the core has no calendar). An id not live is rejected as unknown.
   */
  expireOrder(id: number): void {
    const slot = this.liveSlot(id, ANY_ACCOUNT);
    if (slot !== NO_SLOT) this.withdraw(slot, null);
  }

  /** Takes a live order out of the book or the stops: cancelled for `reason`, or expired (null). */
  private withdraw(slot: number, reason: CancelReason | null): void {
    const r = this.orders.records;
    const resting = stateOf(r[slot + R_FLAGS]!) === RESTING;
    const level = resting ? this.resting.levelOf(slot) : -1;
    if (resting) this.resting.unlink(slot, level);
    else this.stops.remove(slot, sideOf(r[slot + R_FLAGS]!) === BUY);
    if (reason === null) this.expire(slot);
    else this.finish(slot, reason);
    if (resting) this.resting.settle(level);
  }

  /**
   * New price, new total quantity and/or, for a stop order still waiting, a new stop price or, for a trailing one,
   * a new trailing distance (0 leaves a field as it is). Lowering the quantity keeps time priority; a new price or
   * a larger quantity sends the order to the back, and a new price that crosses trades. A new stop is a new arrival
   * among the stops, and fires at once if the last trade is already past it. A stop-market's price (its
   * protection) changes only with its stop. A new distance leaves the stop where it is: from the next trade on, the
   * stop follows the price at that distance whenever that is tighter, as it always does.
   */
  amend(
    id: number,
    account: number,
    newPrice: number,
    newQuantity: number,
    newStopPrice = 0,
    newTrailingOffset = 0,
  ): void {
    const slot = this.liveSlot(id, account);
    if (slot === NO_SLOT) return;
    const reason = this.halted
      ? 'trading_halted'
      : this.rules.amend(slot, newPrice, newQuantity, newStopPrice, newTrailingOffset);
    if (reason !== null) {
      this.events.rejected(id, reason);
      return;
    }
    const r = this.orders.records;
    if (newTrailingOffset !== 0) this.orders.stops[(slot >> 1) + S_TRAIL] = newTrailingOffset;
    const price = newPrice === 0 ? r[slot + R_TICK]! * this.tick : newPrice;
    const quantity = newQuantity === 0 ? r[slot + R_QTY]! : newQuantity;
    const filled = r[slot + R_QTY]! - r[slot + R_REM]!;
    const grows = quantity > r[slot + R_QTY]!;
    const repriced = price !== r[slot + R_TICK]! * this.tick;
    const isBuy = sideOf(r[slot + R_FLAGS]!) === BUY;

    if (stateOf(r[slot + R_FLAGS]!) === WAITING_STOP) {
      const restop = newStopPrice !== 0 && newStopPrice !== this.orders.stopPrice(slot);
      if (grows || restop) this.stops.remove(slot, isBuy);
      this.setSize(slot, price, quantity, filled);
      if (restop) {
        this.orders.stops[(slot >> 1) + S_STOP] = newStopPrice;
        this.announce(slot, 'amended');
        // Out of the stops until armed again (waiting, or fired at once).
        r[slot + R_FLAGS] = withState(r[slot + R_FLAGS]!, 0);
        this.arm(slot);
        if (this.triggered.length !== 0) this.fireTriggered();
        return;
      }
      if (grows) this.armWaiting(slot, isBuy);
      this.announce(slot, 'amended');
      return;
    }
    const level = this.resting.levelOf(slot);
    if (!grows && !repriced) {
      this.levels.quantity[level] = this.levels.quantity[level]! - (r[slot + R_QTY]! - quantity);
      this.setSize(slot, price, quantity, filled);
      this.announce(slot, 'amended');
      this.resting.settle(level);
      return;
    }
    this.resting.unlink(slot, level);
    this.setSize(slot, price, quantity, filled);
    this.announce(slot, 'amended');
    this.resting.settle(level);
    this.execute(slot);
    if (this.triggered.length !== 0) this.fireTriggered();
  }

  /**
   * Announces a live order as amended with its terms unchanged: for a change the core does not keep (a GTD order's
   * last day, which the caller keeps); it keeps its place. An id not live is rejected as unknown.
   */
  reannounce(id: number): void {
    const slot = this.liveSlot(id, ANY_ACCOUNT);
    if (slot !== NO_SLOT) this.announce(slot, 'amended');
  }

  /**
   * Closes the day: every DAY order, resting or waiting for its stop, expires (bids first, best price first), or
   * only those `expires` picks by id: orders placed after the close belong to the next day.
   */
  endOfDay(expires?: (id: number) => boolean): void {
    const r = this.orders.records;
    const ladder = this.ladder;
    for (const isBuy of [true, false]) {
      let rung = isBuy ? ladder.bestBid : ladder.bestAsk;
      while (rung >= 0) {
        const following = isBuy ? ladder.bids.prevAtOrBelow(rung - 1) : ladder.asks.nextAtOrAbove(rung + 1);
        const level = ladder.slotsOf(isBuy ? BUY : SELL)[rung]! - 1;
        let touched = false;
        for (let slot = this.levels.head[level]!; slot !== NO_SLOT;) {
          const next = r[slot + R_NEXT]!;
          if (timeInForceOf(r[slot + R_FLAGS]!) === DAY && (expires === undefined || expires(r[slot + R_ID]!))) {
            this.resting.unlink(slot, level);
            this.expire(slot);
            touched = true;
          }
          slot = next;
        }
        if (touched) this.resting.settle(level);
        rung = following;
      }
    }
    for (const list of [this.stops.buys, this.stops.sells]) {
      for (const slot of [...list]) {
        if (timeInForceOf(r[slot + R_FLAGS]!) !== DAY || (expires !== undefined && !expires(r[slot + R_ID]!))) continue;
        this.stops.remove(slot, sideOf(r[slot + R_FLAGS]!) === BUY);
        this.expire(slot);
      }
    }
    // The close's price is the next day's reference.
    if (this.lastPrice !== 0) this.recenterTunnel(this.lastPrice);
  }

  /**
   * Suspends trading: until `resume()`, new orders and amends are rejected (`trading_halted`). Resting and
   * waiting orders stay, and cancels and `endOfDay` work as ever; nothing trades, so no stop triggers.
   */
  halt(): void {
    this.halted = true;
  }

  resume(): void {
    this.halted = false;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  /**
   * Starts a call auction, such as the pre-opening: until `uncross()`, orders rest without trading (the book may
   * cross) and no stop fires. Orders that would only take at once (market, IOC, FOK) or only make (post-only) are
   * rejected (`auction_call`). Cancels, amends, halts and `endOfDay` work as ever.
   */
  startAuction(): void {
    this.auction = true;
  }

  /**
   * Ends the call auction: everything that crosses trades at one price (`auctionUncross`), in price-time priority
   * on both sides. The side left over is the aggressor of every trade (buyers when none is), and its order meets
   * the other side's under its own self-trade prevention, as a taker would. Then the book trades continuously, and
   * the stops the auction's price reaches fire. While halted, the book stays in its auction: uncross it after
   * `resume()`. The last trade is the reference price of the rule's last step; `referencePrice` stands in for it
   * before the book's first trade (the instrument's reference, say; 0: none).
   */
  uncross(referencePrice = 0): void {
    if (!this.auction || this.halted) return;
    this.auction = false;
    let traded = false;
    // Self-trade prevention can leave the book crossed at the first price: uncross what is left again.
    for (let found = this.uncrossPrice(referencePrice); found !== null; found = this.uncrossPrice(referencePrice)) {
      const tick = found.price / this.tick;
      const aggressor = found.imbalance < 0 ? SELL : BUY;
      if (!crossAt(this, tick, aggressor)) continue;
      traded = true;
      if (this.stops.size !== 0) this.afterTrade(found.price);
    }
    // The auction's price is the tunnel's new reference, before the stops it reached fire.
    if (traded) this.recenterTunnel(this.lastPrice);
    if (this.triggered.length !== 0) this.fireTriggered();
  }

  get inAuction(): boolean {
    return this.auction;
  }

  /**
   * Where the auction would uncross now (the theoretical opening price); null when the book does not cross.
   * `referencePrice` as in `uncross`.
   */
  uncrossPrice(referencePrice = 0): ReturnType<typeof auctionUncross> {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    if (bid === 0 || ask === 0 || bid < ask) return null;
    // Only the levels that cross count: bids down to the best ask, asks up to the best bid.
    return auctionUncross(
      this.depth(BUY, Infinity, ask),
      this.depth(SELL, Infinity, bid),
      this.lastPrice || referencePrice,
    );
  }

  /**
   * The volatility tunnel's reference price, in cents (0: none, no tunnel until the first trade gives one): the
   * instrument's reference at first, then each call auction's price and each close's. Without `auctionTunnelBps`
   * it is kept but bounds nothing.
   */
  recenterTunnel(referencePrice: number): void {
    this.tunnel.recenter(referencePrice);
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
    return this.resting.bestBid();
  }

  /** Best ask price in cents, or 0 when there are no asks. */
  bestAsk(): number {
    return this.resting.bestAsk();
  }

  /** Up to `maxLevels` levels of one side, best first; with `through`, only those priced no worse than it. */
  depth(side: SideCode, maxLevels: number, through?: number): LevelView[] {
    return this.resting.depth(side, maxLevels, through);
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

  /** A live market or stop-market order's protection price in cents; 0 when it has none, or for other orders. */
  protectionPrice(id: number): number {
    const slot = this.index.get(id);
    if (slot === NO_SLOT) return 0;
    const kind = kindOf(this.orders.records[slot + R_FLAGS]!);
    return kind === MARKET || kind === STOP_MARKET ? this.orders.records[slot + R_TICK]! * this.tick : 0;
  }

  /** A live order's trailing distance in cents, kept after its stop fired; 0 for orders that never trailed. */
  trailingOffset(id: number): number {
    const slot = this.index.get(id);
    return slot === NO_SLOT ? 0 : this.orders.trailingOffset(slot);
  }

  /** Whether an order with this id is live (resting or waiting for its stop). */
  isLive(id: number): boolean {
    return this.index.get(id) !== NO_SLOT;
  }

  // ---- access ---------------------------------------------------------------------------------------------

  /** The slot of a live order the account may touch, or NO_SLOT after reporting why not. */
  private liveSlot(id: number, account: number): number {
    const slot = this.index.get(id);
    if (slot === NO_SLOT) {
      this.events.rejected(id, 'unknown_order');
    } else if (account !== ANY_ACCOUNT && this.orders.records[slot + R_ACCOUNT] !== account) {
      this.events.rejected(id, 'not_order_owner');
      return NO_SLOT;
    }
    return slot;
  }

  // ---- matching ---------------------------------------------------------------------------------------------

  /** An order arriving at the book (new, amended, or triggered): match what it can, then rest or finish it. */
  private execute(slot: number): void {
    const r = this.orders.records;
    if (this.auction) {
      // Only a stop that fired as the book went into its auction (an order before it hit the tunnel) comes here
      // with nothing to do in an auction: a market, IOC or FOK order finishes as it would with nothing to take.
      const flags = r[slot + R_FLAGS]!;
      if (kindOf(flags) === MARKET) this.finish(slot, 'no_liquidity');
      else if (timeInForceOf(flags) === IOC) this.finish(slot, 'immediate_or_cancel');
      else if (timeInForceOf(flags) === FOK) this.finish(slot, 'fill_or_kill');
      else this.resting.rest(slot);
      return;
    }
    const timeInForce = timeInForceOf(r[slot + R_FLAGS]!);
    if (timeInForce === FOK && !this.canFillCompletely(slot)) {
      this.finish(slot, 'fill_or_kill');
      return;
    }
    const before = r[slot + R_REM]!;
    if (!this.match(slot)) return;
    const remaining = r[slot + R_REM]!;
    if (this.tunnel.bounds && remaining !== 0) this.stopAtTunnel(slot);
    // The first trade of a book with a tunnel and no reference price gives it one.
    else if (this.tunnel.waits && this.lastPrice !== 0) this.tunnel.recenter(this.lastPrice);
    if (remaining === 0) {
      this.events.filled(r[slot + R_ID]!, r[slot + R_QTY]!);
      this.discard(slot);
    } else if (kindOf(r[slot + R_FLAGS]!) === MARKET) {
      this.finish(slot, 'no_liquidity');
    } else if (timeInForce === IOC) {
      this.finish(slot, 'immediate_or_cancel');
    } else if (timeInForce === FOK) {
      this.finish(slot, 'fill_or_kill');
    } else {
      if (remaining !== before) this.announce(slot, 'partially_filled');
      this.resting.rest(slot);
    }
  }

  /** Takes liquidity for `taker`; false when self-trade prevention cancelled the taker. */
  private match(taker: number): boolean {
    const r = this.orders.records;
    const levels = this.levels;
    const ladder = this.ladder;
    const events = this.events;
    const side = sideOf(r[taker + R_FLAGS]!) as SideCode;
    const isBuy = side === BUY;
    const limitTick = this.tunnel.limitTick(r[taker + R_TICK]!, isBuy);
    const selfTrade = selfTradeOf(r[taker + R_FLAGS]!);
    const takerAccount = r[taker + R_ACCOUNT]!;
    const takerId = r[taker + R_ID]!;
    let remaining = r[taker + R_REM]!;
    let takerStopped = false;

    while (remaining > 0 && !takerStopped) {
      const rung = isBuy ? ladder.bestAsk : ladder.bestBid;
      if (rung < 0) break;
      const tick = rung + ladder.base;
      if (isBuy ? tick > limitTick : tick < limitTick) break;
      // The ladder's arrays read afresh at each level: a trailing stop-limit's limit moved by a fill may have grown
      // the ladder, which replaces them and shifts every rung.
      const level = (isBuy ? ladder.askSlots : ladder.bidSlots)[rung]! - 1;
      const price = tick * this.tick;
      let maker = levels.head[level]!;
      let touched = false;
      while (maker !== NO_SLOT && remaining > 0) {
        const next = r[maker + R_NEXT]!;
        const makerRemaining = r[maker + R_REM]!;
        if (selfTrade !== STP_NONE && r[maker + R_ACCOUNT] === takerAccount) {
          const outcome = this.preventSelfTrade(selfTrade, taker, remaining, maker, level);
          if (outcome === TAKER_STOPPED_UNTOUCHED) {
            takerStopped = true;
            break;
          }
          touched = true;
          if (outcome === TAKER_STOPPED) {
            takerStopped = true;
            break;
          }
          remaining = outcome;
          maker = next;
          continue;
        }
        touched = true;
        const quantity = remaining < makerRemaining ? remaining : makerRemaining;
        remaining -= quantity;
        levels.quantity[level] = levels.quantity[level]! - quantity;
        this.lastPrice = price;
        events.trade(
          ++this.trades,
          price,
          quantity,
          side,
          r[maker + R_ID]!,
          r[maker + R_ACCOUNT]!,
          takerId,
          takerAccount,
          false,
        );
        if (quantity === makerRemaining) {
          // The maker is its level's head: popping it leaves the next order's (cold) record alone.
          levels.head[level] = next;
          if (next === NO_SLOT) levels.tail[level] = NO_SLOT;
          levels.count[level] = levels.count[level]! - 1;
          events.filled(r[maker + R_ID]!, r[maker + R_QTY]!);
          this.discard(maker);
        } else {
          r[maker + R_REM] = makerRemaining - quantity;
          this.announce(maker, 'partially_filled');
        }
        if (this.stops.size !== 0) {
          r[taker + R_REM] = remaining;
          this.afterTrade(price);
        }
        maker = next;
      }
      if (touched) this.resting.settle(level);
    }
    r[taker + R_REM] = remaining;
    if (takerStopped) {
      this.finish(taker, 'self_trade_prevention');
      return false;
    }
    return true;
  }

  /**
   * The taker met its own account's resting order: applies the order's self-trade mode and returns the taker's
   * new remaining quantity, or says the taker stops (with or without the level changed). Out of `match` so the
   * trading loop stays small enough for the JIT to inline whole.
   */
  private preventSelfTrade(mode: number, taker: number, remaining: number, maker: number, level: number): number {
    if (mode === STP_CANCEL_NEWEST) return TAKER_STOPPED_UNTOUCHED;
    if (mode !== STP_DECREMENT_AND_CANCEL) {
      this.removeResting(maker, level, 'self_trade_prevention');
      return mode === STP_CANCEL_BOTH ? TAKER_STOPPED : remaining;
    }
    const makerRemaining = this.orders.records[maker + R_REM]!;
    const cut = remaining < makerRemaining ? remaining : makerRemaining;
    if (cut === makerRemaining) this.removeResting(maker, level, 'self_trade_prevention');
    else this.decrement(maker, cut, level);
    if (cut === remaining) return TAKER_STOPPED;
    this.orders.records[taker + R_REM] = remaining;
    this.decrement(taker, cut, NO_SLOT);
    return remaining - cut;
  }

  /** @internal Self-trade prevention's decrement: the order shrinks by `cut` without trading. */
  decrement(slot: number, cut: number, level: number): void {
    const r = this.orders.records;
    r[slot + R_QTY] = r[slot + R_QTY]! - cut;
    r[slot + R_REM] = r[slot + R_REM]! - cut;
    if (level !== NO_SLOT) this.levels.quantity[level] = this.levels.quantity[level]! - cut;
    this.announce(slot, 'decremented');
  }

  /** The all-or-nothing check for FOK, before any fill: what the taker could take, own orders considered. */
  private canFillCompletely(taker: number): boolean {
    const r = this.orders.records;
    const ladder = this.ladder;
    const isBuy = sideOf(r[taker + R_FLAGS]!) === BUY;
    const limitTick = this.tunnel.limitTick(r[taker + R_TICK]!, isBuy);
    const selfTrade = selfTradeOf(r[taker + R_FLAGS]!);
    const account = r[taker + R_ACCOUNT];
    let needed = r[taker + R_REM]!;
    let rung = isBuy ? ladder.bestAsk : ladder.bestBid;
    while (rung >= 0) {
      const tick = rung + ladder.base;
      if (isBuy ? tick > limitTick : tick < limitTick) return false;
      const level = (isBuy ? ladder.askSlots : ladder.bidSlots)[rung]! - 1;
      if (selfTrade === STP_NONE) {
        needed -= this.levels.quantity[level]!;
      } else {
        for (let maker = this.levels.head[level]!; maker !== NO_SLOT && needed > 0; maker = r[maker + R_NEXT]!) {
          if (r[maker + R_ACCOUNT] !== account) needed -= r[maker + R_REM]!;
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
    const r = this.orders.records;
    const s = this.orders.stops;
    const isBuy = sideOf(r[slot + R_FLAGS]!) === BUY;
    const stopPrice = s[(slot >> 1) + S_STOP]!;
    const last = this.lastPrice;
    if (!this.auction && last !== 0 && (isBuy ? last >= stopPrice : last <= stopPrice)) {
      this.events.stopTriggered(r[slot + R_ID]!, stopPrice, last);
      this.triggered.push(slot);
      return;
    }
    this.armWaiting(slot, isBuy);
  }

  private armWaiting(slot: number, isBuy: boolean): void {
    this.orders.stops[(slot >> 1) + S_SEQ] = ++this.arrivals;
    this.orders.records[slot + R_FLAGS] = withState(this.orders.records[slot + R_FLAGS]!, WAITING_STOP);
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
      this.orders.records[slot + R_FLAGS] = withState(this.orders.records[slot + R_FLAGS]!, 0);
      this.events.stopTriggered(this.orders.records[slot + R_ID]!, this.orders.stops[(slot >> 1) + S_STOP]!, price);
    }
    if (this.stops.trailing !== 0) this.stops.follow(price, this.stopMoved);
  }

  /** Triggered stops enter the book one by one, in trigger order; their own trades may trigger more. */
  private fireTriggered(): void {
    const r = this.orders.records;
    const triggered = this.triggered;
    for (let i = 0; i < triggered.length; i++) {
      const slot = triggered[i]!;
      const flags = r[slot + R_FLAGS]!;
      r[slot + R_FLAGS] = withKind(flags, kindOf(flags) === STOP_LIMIT ? LIMIT : MARKET);
      this.execute(slot);
    }
    triggered.length = 0;
  }

  // ---- book keeping -----------------------------------------------------------------------------------------

  /** @internal An order out of its level, cancelled (the auction's uncross uses these four too). */
  removeResting(slot: number, level: number, reason: CancelReason): void {
    this.resting.unlink(slot, level);
    this.finish(slot, reason);
  }

  private finish(slot: number, reason: CancelReason): void {
    const r = this.orders.records;
    const remaining = r[slot + R_REM]!;
    this.events.cancelled(r[slot + R_ID]!, reason, r[slot + R_QTY]! - remaining, remaining);
    this.discard(slot);
  }

  private expire(slot: number): void {
    const r = this.orders.records;
    const remaining = r[slot + R_REM]!;
    this.events.expired(r[slot + R_ID]!, r[slot + R_QTY]! - remaining, remaining);
    this.discard(slot);
  }

  /** @internal */
  discard(slot: number): void {
    this.index.release(this.orders.records[slot + R_ID]!);
    this.orders.release(slot);
  }

  private setSize(slot: number, price: number, quantity: number, filled: number): void {
    this.orders.records[slot + R_TICK] = price / this.tick;
    this.orders.records[slot + R_QTY] = quantity;
    this.orders.records[slot + R_REM] = quantity - filled;
  }

  /**
   * A taker with quantity left: when what stopped it is the tunnel (the best opposite price is beyond it, and within
   * the taker's own limit), the book goes into a call auction. What the taker has left then rests in it, or finishes
   * as a market, IOC or FOK order's does.
   */
  private stopAtTunnel(taker: number): void {
    const r = this.orders.records;
    const ladder = this.ladder;
    const isBuy = sideOf(r[taker + R_FLAGS]!) === BUY;
    const rung = isBuy ? ladder.bestAsk : ladder.bestBid;
    if (rung < 0 || !this.tunnel.stops(rung + ladder.base, r[taker + R_TICK]!, isBuy)) return;
    this.auction = true;
    this.events.volatilityAuction(this.tunnel.reference, (rung + ladder.base) * this.tick);
  }

  /** @internal */
  announce(slot: number, change: OrderChange): void {
    const r = this.orders.records;
    const kind = kindOf(r[slot + R_FLAGS]!);
    this.events.updated(
      r[slot + R_ID]!,
      change,
      kind === MARKET || kind === STOP_MARKET ? 0 : r[slot + R_TICK]! * this.tick,
      this.orders.stopPrice(slot),
      r[slot + R_QTY]!,
      r[slot + R_REM]!,
    );
  }
}
