import type {
  AmendOrderCommand,
  CancelReason,
  CancelRequestReason,
  EngineEvent,
  Instrument,
  OrderChange,
  OrderCommand,
  OrderRejectedEvent,
  OrderUpdatedEvent,
  OrderType,
  PlaceOrderCommand,
  RejectReason,
  SelfTradePrevention,
  Side,
  TimeInForce,
} from '@bolsa/contracts';
import type { BookSnapshot } from './book-state.js';
import {
  ANY_ACCOUNT,
  BUY,
  DAY,
  FOK,
  GTC,
  IOC,
  LIMIT,
  MARKET,
  SELL,
  STOP_LIMIT,
  STOP_MARKET,
  STP_CANCEL_BOTH,
  STP_CANCEL_NEWEST,
  STP_CANCEL_OLDEST,
  STP_DECREMENT_AND_CANCEL,
  type OrderKindCode,
  type SelfTradePreventionCode,
  type SideCode,
  type TimeInForceCode,
} from './codes.js';
import type { BookEvents } from './book-events.js';
import { OrderBook } from './order-book.js';
import { PlacementMemory, type PlacementMemorySnapshot } from './placement-memory.js';

const SIDES: Record<Side, SideCode> = { buy: BUY, sell: SELL };
const SIDE_NAMES: readonly Side[] = ['buy', 'sell'];
const KINDS: Record<OrderType, OrderKindCode> = {
  limit: LIMIT,
  market: MARKET,
  stop_limit: STOP_LIMIT,
  stop_market: STOP_MARKET,
};
/** A GTD order rests as a GTC one: the core has no calendar, so this adapter expires it at its day's close. */
const TIMES_IN_FORCE: Record<TimeInForce, TimeInForceCode> = { GTC, DAY, GTD: GTC, IOC, FOK };
const SELF_TRADE: Record<SelfTradePrevention, SelfTradePreventionCode> = {
  cancel_newest: STP_CANCEL_NEWEST,
  cancel_oldest: STP_CANCEL_OLDEST,
  cancel_both: STP_CANCEL_BOTH,
  decrement_and_cancel: STP_DECREMENT_AND_CANCEL,
};

export const REJECT_MESSAGES: Record<RejectReason, string> = {
  invalid_order: 'the order fields are inconsistent',
  unknown_symbol: 'no such instrument',
  off_tick: 'price is not a multiple of the tick size',
  off_lot: 'quantity is not a multiple of the lot size',
  price_out_of_band: 'price is outside the price band',
  duplicate_order_id: 'an order with this id is already live',
  unknown_order: 'no live order with this id',
  not_order_owner: 'the order belongs to another account',
  post_only_would_take: 'a post-only order may not take liquidity',
  not_amendable: 'this order cannot be amended that way',
  quantity_below_filled: 'the new quantity is not above what has already filled',
  stale_command:
    'the order reached the exchange too late: sent too long after it was recorded, or older than the window in ' +
    'which re-sends are recognised',
  trading_halted: 'trading in this instrument is halted; cancels are still taken',
  market_closed: 'the exchange closed before this reached it; cancels are still taken',
  auction_call: 'during the call auction only orders that can rest are taken: no market, IOC, FOK or post-only',
  quantity_over_limit: 'quantity is above the most one order may ask for in this instrument',
};

/** Why an amend of the last day was refused (`not_amendable`). */
const LAST_DAY_REFUSED = 'only a GTD order has a last day to change, and not to a trading day that has closed already';

/** Whether an amend changes more than a GTD order's last day: its price, quantity, stop or trailing distance. */
function changesTerms(command: AmendOrderCommand): boolean {
  return (
    command.price !== null ||
    command.quantity !== null ||
    (command.stopPrice ?? null) !== null ||
    (command.trailingOffset ?? null) !== null
  );
}

/** Why a withdrawn amend (`stale_command`) was refused. */
const WITHDRAWN = 'the amend did not reach the exchange in time and was withdrawn: the order stays as it was';

/** How long (in placement time) a book remembers the ids of the orders placed in it, unless told otherwise. */
export const DEFAULT_PLACEMENT_MEMORY_MS = 120_000;

/** How long after its recording an order may first reach a book, unless told otherwise. */
export const DEFAULT_PLACEMENT_MAX_DELAY_MS = 30_000;

export interface ContractBookOptions {
  /**
   * How long, in placement timestamps, the ids of placed orders are remembered. A placement whose order id is
   * remembered (or live) is a re-send and changes nothing; one older than this window is rejected as stale,
   * since the book can no longer tell whether it already took it.
   */
  readonly placementMemoryMs?: number;
  /**
   * The longest a placement not yet taken may have been sent after its order was recorded (its `sentAt` less its
   * `timestamp`): a later one is rejected as stale, for good. So an order whose first send failed is placed from a
   * copy sent within this long of its recording or not at all, however long the way to the exchange was broken.
   */
  readonly placementMaxDelayMs?: number;
}

/** Who a live order is, in the contract's terms. */
interface OrderIdentity {
  readonly orderId: string;
  readonly accountId: string;
  /** When the order was recorded (its placement's timestamp): which day's close it expires at, if DAY. */
  readonly placedAt: number;
  /** The highest amend number the book has had for it: amends numbered at or below it change nothing. */
  amendsSeen: number;
  /** A GTD order's last trading day (`YYYY-MM-DD`), which an amend may move; null for others. */
  expiresOn: string | null;
}

export interface ContractBookSnapshot {
  readonly format: 1;
  readonly symbol: string;
  /** Sequence number of the last event emitted. */
  readonly sequence: number;
  readonly book: BookSnapshot;
  /**
   * [internal id, order id, account id, placed at, amends seen, good till] of every live order (no time in older
   * snapshots: 0; the amends seen only when there were any or a day follows; the day only for GTD orders).
   */
  readonly orders: [number, string, string, number?, number?, string?][];
  /** Account ids in the order they were numbered. */
  readonly accounts: string[];
  readonly freeIds: number[];
  readonly nextId: number;
  /** Remembered placements, oldest first; absent in snapshots written before re-sends were recognised. */
  readonly placements?: PlacementMemorySnapshot;
  /** Orders recorded until this instant belong to a trading day already closed; absent before any close. */
  readonly closedUntil?: number;
  /** The latest trading day closed (GTD orders good till it are gone); absent before any close that named one. */
  readonly closedDay?: string;
  /** The latest close that ended trading: what was recorded until then and comes later is refused. */
  readonly tradingEndedAt?: number;
  /** When the call auction the book is in ends; absent outside one, or in one whose day closed before it ended. */
  readonly auctionEndsAt?: number;
  /** The latest opening the book has passed (its auction uncrossed or none held): orders of earlier auctions trade. */
  readonly openedAt?: number;
}

/**
 * The order book speaking `@bolsa/contracts`: takes an `OrderCommand`, returns the `EngineEvent`s it caused,
 * numbered by a gap-free per-symbol sequence. UUIDs are mapped to small recycled integers for the core.
 */
export class ContractBook {
  private readonly book: OrderBook;
  private readonly internalIds = new Map<string, number>();
  private readonly identities: (OrderIdentity | undefined)[] = [];
  private readonly accountNumbers = new Map<string, number>();
  private readonly accountIds: string[] = [];
  private readonly freeIds: number[] = [];
  private nextId = 0;
  private sequence = 0;
  private out: EngineEvent[] = [];
  /** The command being applied: every event it causes carries its envelope fields. */
  private command: OrderCommand | null = null;
  private placing: PlaceOrderCommand | null = null;
  private commandType: 'place_order' | 'cancel_order' | 'amend_order' = 'place_order';
  private clientOrderId: string | null = null;
  private readonly placements: PlacementMemory;
  private readonly placementMaxDelayMs: number;
  /** The latest close: a DAY order recorded until then whose placement comes after it has no day left to live in. */
  private closedUntil: number | null = null;
  /** The latest trading day closed: a GTD order good till it, or before, whose placement comes after it is over. */
  private closedDay: string | null = null;
  /** The latest close that ended trading (`endsTrading`): placements and amends recorded until it are refused. */
  private tradingEndedAt: number | null = null;
  /** When the call auction in progress ends: the first command recorded then or later uncrosses it. */
  private auctionEndsAt: number | null = null;
  /** The latest opening passed: an order recorded in an auction that ended by then comes late, and trades. */
  private openedAt: number | null = null;
  /** How long a volatility auction lasts (0: the instrument has none). */
  private readonly volatilityAuctionMs: number;

  constructor(
    readonly instrument: Instrument,
    snapshot?: ContractBookSnapshot,
    options: ContractBookOptions = {},
  ) {
    const events = this.sink();
    this.placements = new PlacementMemory(
      options.placementMemoryMs ?? DEFAULT_PLACEMENT_MEMORY_MS,
      snapshot?.placements,
    );
    this.placementMaxDelayMs = options.placementMaxDelayMs ?? DEFAULT_PLACEMENT_MAX_DELAY_MS;
    const tunnel = instrument.volatilityAuction ?? null;
    this.volatilityAuctionMs = tunnel === null ? 0 : tunnel.seconds * 1000;
    if (snapshot === undefined) {
      this.book = new OrderBook(
        {
          tickSize: instrument.tickSize,
          lotSize: instrument.lotSize,
          priceBand: instrument.priceBand,
          ...(tunnel === null ? {} : { auctionTunnelBps: tunnel.tunnelBps }),
          ...(instrument.maxOrderQuantity === undefined ? {} : { maxOrderQuantity: instrument.maxOrderQuantity }),
        },
        events,
      );
      this.book.recenterTunnel(instrument.referencePrice ?? 0);
      return;
    }
    if (snapshot.format !== 1 || snapshot.symbol !== instrument.symbol) throw new Error('snapshot is for another book');
    this.book = OrderBook.restore(snapshot.book, events);
    this.sequence = snapshot.sequence;
    for (const accountId of snapshot.accounts) this.accountNumber(accountId);
    for (const [internal, orderId, accountId, placedAt = 0, amendsSeen = 0, expiresOn = null] of snapshot.orders) {
      this.internalIds.set(orderId, internal);
      this.identities[internal] = { orderId, accountId, placedAt, amendsSeen, expiresOn };
    }
    this.freeIds.push(...snapshot.freeIds);
    this.nextId = snapshot.nextId;
    this.closedUntil = snapshot.closedUntil ?? null;
    this.closedDay = snapshot.closedDay ?? null;
    this.tradingEndedAt = snapshot.tradingEndedAt ?? null;
    this.auctionEndsAt = snapshot.auctionEndsAt ?? null;
    this.openedAt = snapshot.openedAt ?? null;
  }

  /** The sequence number of the last event emitted (0 before any). */
  get lastSequence(): number {
    return this.sequence;
  }

  get core(): OrderBook {
    return this.book;
  }

  apply(command: OrderCommand): EngineEvent[] {
    if (command.symbol !== this.instrument.symbol) {
      throw new Error(`command for ${command.symbol} sent to the ${this.instrument.symbol} book`);
    }
    this.command = command;
    // A close speaks for its closing instant too, whenever it was sent: a closing call ending then uncrosses first.
    const closesAt = command.type === 'end_of_day' ? (command.closedAt ?? 0) : 0;
    this.uncrossIfDue(Math.max(command.timestamp, closesAt));
    switch (command.type) {
      case 'place_order':
        this.place(command);
        break;
      case 'cancel_order':
      case 'amend_order': {
        this.commandType = command.type;
        this.clientOrderId = command.clientOrderId;
        const internal = this.internalIds.get(command.orderId);
        if (internal === undefined) {
          if (command.type === 'cancel_order' && !this.placements.has(command.orderId)) {
            // Not placed yet, as far as this book knows: should the placement still come, it must not go live.
            const reason = command.reason ?? 'requested';
            this.placements.cancelBeforePlacement(command.orderId, command.accountId, command.timestamp, reason);
          }
          this.reject(command.orderId, command.accountId, command.clientOrderId, 'unknown_order');
        } else if (this.identities[internal]?.accountId !== command.accountId) {
          this.reject(command.orderId, command.accountId, command.clientOrderId, 'not_order_owner');
        } else if (command.type === 'cancel_order') {
          this.book.cancel(internal, ANY_ACCOUNT, command.reason ?? 'requested');
        } else if (!this.takesAmendNumber(internal, command)) {
          // A copy, or overtaken: nothing to do.
        } else if (this.newLastDayRefused(internal, command)) {
          this.reject(command.orderId, command.accountId, command.clientOrderId, 'not_amendable', LAST_DAY_REFUSED);
        } else if (!changesTerms(command)) {
          // Only the last day moves, which could not trade: taken whenever recorded, the order keeps its place.
          this.book.reannounce(internal);
        } else if (this.recordedBeforeTradingEnded(command.timestamp)) {
          this.reject(command.orderId, command.accountId, command.clientOrderId, 'market_closed');
        } else {
          this.enterAuctionOf(command);
          this.book.amend(
            internal,
            ANY_ACCOUNT,
            command.price ?? 0,
            command.quantity ?? 0,
            command.stopPrice ?? 0,
            command.trailingOffset ?? 0,
          );
        }
        break;
      }
      case 'end_of_day': {
        const closedAt = command.closedAt;
        if (command.endsAuction === true) this.open(closedAt ?? command.timestamp);
        this.closedUntil = Math.max(this.closedUntil ?? -Infinity, closedAt ?? command.timestamp);
        if (command.endsTrading === true) {
          this.tradingEndedAt = Math.max(this.tradingEndedAt ?? -Infinity, closedAt ?? command.timestamp);
          // An auction the close cut short waits, crossed as it is, for the next day's opening.
          this.auctionEndsAt = null;
        }
        this.book.endOfDay(
          closedAt === undefined ? undefined : (internal) => (this.identities[internal]?.placedAt ?? 0) <= closedAt,
        );
        if (command.tradingDay !== undefined) this.closeDay(command.tradingDay);
        break;
      }
      case 'halt_trading':
        this.book.halt();
        break;
      case 'resume_trading':
        this.book.resume();
        // A reopening call: the book takes orders without trading until its end (extending an auction it was in).
        if (command.auctionEndsAt !== undefined && command.auctionEndsAt > command.timestamp) {
          this.joinAuction(command.auctionEndsAt);
        }
        this.uncrossIfDue(command.timestamp);
        break;
      case 'open_trading':
        if (this.opensBy(command.tradingDay, command.opensAt)) this.open(command.opensAt);
        break;
      case 'reopen_day':
        // Only an auction the close cut short is the day's again.
        if (!this.book.inAuction || this.auctionEndsAt !== null) break;
        if (command.auctionEndsAt !== undefined && command.auctionEndsAt > command.timestamp) {
          this.joinAuction(command.auctionEndsAt);
        } else {
          this.open(command.timestamp);
        }
        break;
    }
    this.placing = null;
    const events = this.out;
    this.out = [];
    return events;
  }

  snapshot(): ContractBookSnapshot {
    const orders: [number, string, string, number, number?, string?][] = [];
    for (const [orderId, internal] of this.internalIds) {
      const { accountId, placedAt, amendsSeen, expiresOn } = this.identities[internal]!;
      orders.push(
        expiresOn !== null
          ? [internal, orderId, accountId, placedAt, amendsSeen, expiresOn]
          : amendsSeen === 0
            ? [internal, orderId, accountId, placedAt]
            : [internal, orderId, accountId, placedAt, amendsSeen],
      );
    }
    orders.sort((a, b) => a[0] - b[0]);
    return {
      format: 1,
      symbol: this.instrument.symbol,
      sequence: this.sequence,
      book: this.book.snapshot(),
      orders,
      accounts: [...this.accountIds],
      freeIds: [...this.freeIds],
      nextId: this.nextId,
      placements: this.placements.snapshot(),
      ...(this.closedUntil === null ? {} : { closedUntil: this.closedUntil }),
      ...(this.closedDay === null ? {} : { closedDay: this.closedDay }),
      ...(this.tradingEndedAt === null ? {} : { tradingEndedAt: this.tradingEndedAt }),
      ...(this.auctionEndsAt === null ? {} : { auctionEndsAt: this.auctionEndsAt }),
      ...(this.openedAt === null ? {} : { openedAt: this.openedAt }),
    };
  }

  stateHash(): string {
    // When each live order was recorded decides which close expires it (and a GTD order's day, which day's close),
    // and the amends it has had which amends it still takes, so they are state too.
    let recorded = 0;
    for (const identity of this.identities) {
      if (identity === undefined) continue;
      recorded = (Math.imul(recorded, 31) + (identity.placedAt % 0x7fffffff)) | 0;
      recorded = (Math.imul(recorded, 31) + identity.amendsSeen) | 0;
      if (identity.expiresOn !== null) recorded = (Math.imul(recorded, 31) + dayNumber(identity.expiresOn)) | 0;
    }
    const waiting = this.placements.cancelsWaiting;
    const placements = `${this.placements.latestTimestamp}-${this.placements.size}${waiting === 0 ? '' : `+${waiting}`}`;
    const closed = [
      this.closedUntil === null ? '' : `-${this.closedUntil}`,
      this.closedDay === null ? '' : `@${this.closedDay}`,
      this.tradingEndedAt === null ? '' : `!${this.tradingEndedAt}`,
      this.auctionEndsAt === null ? '' : `~${this.auctionEndsAt}`,
      this.openedAt === null ? '' : `^${this.openedAt}`,
    ].join('');
    return `${this.book.stateHash()}-${this.sequence}-${placements}-${(recorded >>> 0).toString(16)}${closed}`;
  }

  validateInternalState(): string[] {
    const problems = [...this.book.validateInternalState(), ...this.placements.problems()];
    if (this.internalIds.size !== this.book.liveOrders) {
      problems.push(`${this.internalIds.size} order ids mapped, ${this.book.liveOrders} live in the book`);
    }
    for (const internal of this.internalIds.values()) {
      if (!this.book.isLive(internal)) problems.push(`internal id ${internal} is mapped but not live`);
    }
    return problems;
  }

  private place(command: PlaceOrderCommand): void {
    this.commandType = 'place_order';
    this.clientOrderId = command.clientOrderId;
    // Only placements move the window: their timestamps all come from where orders are recorded, so one clock
    // decides what is stale (a cancel's timestamp comes from whichever process sent it).
    this.placements.advance(command.timestamp);
    // Order ids are made once by whoever records the order, so the same id again is that order sent again.
    if (this.internalIds.has(command.orderId) || this.placements.has(command.orderId)) {
      return;
    }
    const cancelledFirst = this.placements.takeCancelBeforePlacement(command.orderId, command.accountId);
    if (cancelledFirst !== null) {
      this.placements.remember(command.orderId, command.timestamp);
      this.cancelUnplaced(command, cancelledFirst);
      return;
    }
    if (command.timeInForce === 'DAY' && this.closedUntil !== null && command.timestamp <= this.closedUntil) {
      // Recorded before a close it reached the book after (a re-send): its day is over, as it would be had it rested.
      this.placements.remember(command.orderId, command.timestamp);
      this.expireUnplaced(command);
      return;
    }
    if (command.expiresOn !== undefined && this.closedDay !== null && command.expiresOn <= this.closedDay) {
      // A GTD order whose last day closed before it reached the book (a re-send): over, as it would be had it rested.
      this.placements.remember(command.orderId, command.timestamp);
      this.expireUnplaced(command);
      return;
    }
    if (this.recordedBeforeTradingEnded(command.timestamp)) {
      // Recorded in hours, reaching the book after the close (a re-send): it must not trade while closed.
      this.placements.remember(command.orderId, command.timestamp);
      this.reject(command.orderId, command.accountId, command.clientOrderId, 'market_closed');
      return;
    }
    if (this.placements.isStale(command.timestamp)) {
      this.reject(command.orderId, command.accountId, command.clientOrderId, 'stale_command');
      return;
    }
    if ((command.sentAt ?? command.timestamp) - command.timestamp > this.placementMaxDelayMs) {
      // Final: a copy sent earlier that is still on its way (another process's) must not place it afterwards.
      this.placements.remember(command.orderId, command.timestamp);
      this.reject(command.orderId, command.accountId, command.clientOrderId, 'stale_command');
      return;
    }
    this.placements.remember(command.orderId, command.timestamp);
    const internal = this.freeIds.pop() ?? this.nextId++;
    this.internalIds.set(command.orderId, internal);
    this.identities[internal] = {
      orderId: command.orderId,
      accountId: command.accountId,
      placedAt: command.timestamp,
      amendsSeen: 0,
      expiresOn: command.expiresOn ?? null,
    };
    this.placing = command;
    this.enterAuctionOf(command);
    this.book.place(
      internal,
      this.accountNumber(command.accountId),
      SIDES[command.side],
      KINDS[command.orderType],
      TIMES_IN_FORCE[command.timeInForce],
      command.price ?? command.protectionPrice ?? 0,
      command.stopPrice ?? 0,
      command.trailingOffset ?? 0,
      command.quantity,
      command.postOnly,
      SELF_TRADE[command.selfTradePrevention],
    );
  }

  /**
   * An order recorded in the call auction ending at `endsAt`: the book holds it, and every order after it, without
   * trading until then, unless that opening has passed already (it came late, and trades as any order does now).
   */
  private joinAuction(endsAt: number): void {
    if (this.openedAt !== null && endsAt <= this.openedAt) return;
    if (!this.book.inAuction) this.book.startAuction();
    this.auctionEndsAt = endsAt;
  }

  /**
   * A placement or amend about to reach the core: recorded in a call auction, it joins it; recorded in continuous
   * trading (it names no auction) and reaching a book whose auction a close cut short, trading has opened again (the
   * next day, or a day an administrator reopened) without the book hearing of the opening, so it opens now, before
   * the order. Orders recorded before that close were refused already.
   */
  private enterAuctionOf(command: PlaceOrderCommand | AmendOrderCommand): void {
    if (command.auctionEndsAt !== undefined) this.joinAuction(command.auctionEndsAt);
    else if (this.book.inAuction && this.auctionEndsAt === null) this.open(command.timestamp);
  }

  /**
   * Whether an opening of `tradingDay` at `opensAt` ends the auction the book is in. One whose end the book knows
   * (orders joined it) does if it ends by then: not one extended or followed by a later one (a reopening), and even on
   * a day closed already, which orders joined after its close only if it was reopened. One cut short by a close does
   * on a later day only: the closed day's own opening, sent late, does not.
   */
  private opensBy(tradingDay: string, opensAt: number): boolean {
    if (this.auctionEndsAt !== null) return this.auctionEndsAt <= opensAt;
    return this.closedDay === null || tradingDay > this.closedDay;
  }

  /** A command recorded once the auction has ended uncrosses it first: it belongs to continuous trading. */
  private uncrossIfDue(recordedAt: number): void {
    if (this.auctionEndsAt !== null && recordedAt >= this.auctionEndsAt) this.open(this.auctionEndsAt);
  }

  /**
   * The opening at `opensAt`: the auction (if any) uncrosses, the instrument's reference price standing in for a
   * last trade before the first; a halted book stays in it until it resumes.
   */
  private open(opensAt: number): void {
    this.openedAt = Math.max(this.openedAt ?? -Infinity, opensAt);
    const halted = this.book.isHalted;
    this.book.uncross(this.instrument.referencePrice ?? 0);
    if (!this.book.inAuction) this.auctionEndsAt = null;
    else if (halted) this.auctionEndsAt = opensAt;
    // Else the stops the uncross fired hit the volatility tunnel: that auction's end is set already.
  }

  private accountNumber(accountId: string): number {
    let number = this.accountNumbers.get(accountId);
    if (number === undefined) {
      number = this.accountIds.length;
      this.accountNumbers.set(accountId, number);
      this.accountIds.push(accountId);
    }
    return number;
  }

  private emit(event: EngineEvent): void {
    this.out.push(event);
  }

  // The events below are object literals with every field named, as in `sink` (a spread envelope made a rejection
  // four times as costly).
  private reject(
    orderId: string,
    accountId: string,
    clientOrderId: string | null,
    reason: RejectReason,
    message = REJECT_MESSAGES[reason],
  ): void {
    const command = this.command!;
    const event: OrderRejectedEvent = {
      schemaVersion: 1,
      symbol: command.symbol,
      commandId: command.commandId,
      traceId: command.traceId,
      timestamp: command.timestamp,
      sequence: ++this.sequence,
      type: 'order_rejected',
      orderId,
      accountId,
      clientOrderId,
      commandType: this.commandType,
      reason,
      message,
    };
    if (command.type === 'amend_order' && command.amendNumber !== undefined) event.amendNumber = command.amendNumber;
    this.emit(event);
  }

  /**
   * Whether a live order's amend is for the book: one numbered at or below the last the order had is a copy, or was
   * overtaken by a later amend, and changes nothing (no event); a withdrawal takes its number and is refused, so
   * that the amend it withdraws changes nothing should it come after all.
   */
  private takesAmendNumber(internal: number, command: AmendOrderCommand): boolean {
    const number = command.amendNumber;
    if (number === undefined) return true;
    const identity = this.identity(internal);
    if (number <= identity.amendsSeen) return false;
    identity.amendsSeen = number;
    if (command.withdraw !== true) return true;
    const { orderId, accountId } = identity;
    this.reject(orderId, accountId, command.clientOrderId, 'stale_command', WITHDRAWN);
    return false;
  }

  /**
   * Whether an amend names a last day the order cannot have: the order is not GTD, or the day has closed already (a
   * re-send that came late: the order would have expired by it).
   */
  private newLastDayRefused(internal: number, command: AmendOrderCommand): boolean {
    if (command.expiresOn === undefined) return false;
    if (this.identity(internal).expiresOn === null) return true;
    return this.closedDay !== null && command.expiresOn <= this.closedDay;
  }

  /** A placement whose owner's cancel came first: cancelled as asked, without ever resting or trading. */
  private cancelUnplaced(command: PlaceOrderCommand, reason: CancelRequestReason): void {
    this.emit({
      schemaVersion: 1,
      symbol: command.symbol,
      commandId: command.commandId,
      traceId: command.traceId,
      timestamp: command.timestamp,
      sequence: ++this.sequence,
      type: 'order_cancelled',
      orderId: command.orderId,
      accountId: command.accountId,
      reason,
      filledQuantity: 0,
      cancelledQuantity: command.quantity,
    });
  }

  /** Whether a placement or amend recorded at `timestamp` was recorded until a close that ended trading. */
  private recordedBeforeTradingEnded(timestamp: number): boolean {
    return this.tradingEndedAt !== null && timestamp <= this.tradingEndedAt;
  }

  /**
   * Closes a trading day for GTD orders: those good till it, or an earlier day, expire, the earliest recorded first
   * (then by internal id: the same order after a restore, which keeps the ids).
   */
  private closeDay(tradingDay: string): void {
    if (this.closedDay === null || tradingDay > this.closedDay) this.closedDay = tradingDay;
    const due: number[] = [];
    for (const internal of this.internalIds.values()) {
      const expiresOn = this.identities[internal]!.expiresOn;
      if (expiresOn !== null && expiresOn <= tradingDay) due.push(internal);
    }
    const placedAt = (internal: number) => this.identities[internal]!.placedAt;
    due.sort((a, b) => placedAt(a) - placedAt(b) || a - b);
    for (const internal of due) this.book.expireOrder(internal);
  }

  /** A placement whose day closed before it reached the book (DAY or GTD): expired at once, as the close would have. */
  private expireUnplaced(command: PlaceOrderCommand): void {
    this.emit({
      schemaVersion: 1,
      symbol: command.symbol,
      commandId: command.commandId,
      traceId: command.traceId,
      timestamp: command.timestamp,
      sequence: ++this.sequence,
      type: 'order_expired',
      orderId: command.orderId,
      accountId: command.accountId,
      filledQuantity: 0,
      expiredQuantity: command.quantity,
    });
  }

  private identity(internal: number): OrderIdentity {
    const identity = this.identities[internal];
    if (identity === undefined) throw new Error(`the book reported unknown internal order ${internal}`);
    return identity;
  }

  /** An order left the book: its UUID is forgotten and its internal id goes back to the pool. */
  private forget(internal: number): OrderIdentity {
    const identity = this.identity(internal);
    this.internalIds.delete(identity.orderId);
    this.identities[internal] = undefined;
    this.freeIds.push(internal);
    return identity;
  }

  /**
   * The book's callbacks, each making its event as one object literal with every field named: spreading the
   * command's envelope and the order's identity into each event cost five times as much (V8 copies a spread
   * property by property when more fields follow or another spread comes), ~8 µs of a ~10 µs command.
   */
  private sink(): BookEvents {
    return {
      accepted: (internal) => {
        const c = this.command!;
        const placing = this.placing!;
        const { orderId, accountId } = this.identity(internal);
        this.emit({
          schemaVersion: 1,
          symbol: c.symbol,
          commandId: c.commandId,
          traceId: c.traceId,
          timestamp: c.timestamp,
          sequence: ++this.sequence,
          type: 'order_accepted',
          orderId,
          accountId,
          clientOrderId: placing.clientOrderId,
          side: placing.side,
          orderType: placing.orderType,
          timeInForce: placing.timeInForce,
          price: placing.price,
          stopPrice: placing.stopPrice,
          trailingOffset: placing.trailingOffset,
          protectionPrice: placing.protectionPrice ?? null,
          quantity: placing.quantity,
          postOnly: placing.postOnly,
          selfTradePrevention: placing.selfTradePrevention,
        });
      },
      rejected: (internal, reason) => {
        // A refused placement never went live; a refused cancel or amend leaves its order as it was.
        const identity = this.commandType === 'place_order' ? this.forget(internal) : this.identity(internal);
        this.reject(identity.orderId, identity.accountId, this.clientOrderId, reason);
      },
      trade: (tradeNumber, price, quantity, aggressorSide, makerId, _makerAccount, takerId, _takerAccount, auction) => {
        const c = this.command!;
        const maker = this.identity(makerId);
        const taker = this.identity(takerId);
        this.emit({
          schemaVersion: 1,
          symbol: c.symbol,
          commandId: c.commandId,
          traceId: c.traceId,
          timestamp: c.timestamp,
          sequence: ++this.sequence,
          type: 'trade',
          tradeId: `${this.instrument.symbol}-${tradeNumber}`,
          price,
          quantity,
          aggressorSide: SIDE_NAMES[aggressorSide]!,
          makerOrderId: maker.orderId,
          makerAccountId: maker.accountId,
          takerOrderId: taker.orderId,
          takerAccountId: taker.accountId,
          auction,
        });
      },
      updated: (internal, change: OrderChange, price, stopPrice, quantity, remaining) => {
        const c = this.command!;
        const { orderId, accountId } = this.identity(internal);
        const event: OrderUpdatedEvent = {
          schemaVersion: 1,
          symbol: c.symbol,
          commandId: c.commandId,
          traceId: c.traceId,
          timestamp: c.timestamp,
          sequence: ++this.sequence,
          type: 'order_updated',
          orderId,
          accountId,
          change,
          price: price === 0 ? null : price,
          stopPrice: stopPrice === 0 ? null : stopPrice,
          // Only stop-markets report no price with a stop; their protection is the price they may trade to.
          protectionPrice: price === 0 && stopPrice !== 0 ? this.book.protectionPrice(internal) || null : null,
          trailingOffset: stopPrice === 0 ? null : this.book.trailingOffset(internal) || null,
          quantity,
          filledQuantity: quantity - remaining,
          remainingQuantity: remaining,
        };
        if (change === 'amended' && c.type === 'amend_order') {
          if (c.amendNumber !== undefined) event.amendNumber = c.amendNumber;
          // The amend was taken (the core refuses before announcing): its last day with it.
          if (c.expiresOn !== undefined) {
            this.identity(internal).expiresOn = c.expiresOn;
            event.expiresOn = c.expiresOn;
          }
        }
        this.emit(event);
      },
      filled: (internal, quantity) => {
        const c = this.command!;
        const { orderId, accountId } = this.forget(internal);
        this.emit({
          schemaVersion: 1,
          symbol: c.symbol,
          commandId: c.commandId,
          traceId: c.traceId,
          timestamp: c.timestamp,
          sequence: ++this.sequence,
          type: 'order_filled',
          orderId,
          accountId,
          filledQuantity: quantity,
        });
      },
      cancelled: (internal, reason: CancelReason, filled, cancelled) => {
        const c = this.command!;
        const { orderId, accountId } = this.forget(internal);
        this.emit({
          schemaVersion: 1,
          symbol: c.symbol,
          commandId: c.commandId,
          traceId: c.traceId,
          timestamp: c.timestamp,
          sequence: ++this.sequence,
          type: 'order_cancelled',
          orderId,
          accountId,
          reason,
          filledQuantity: filled,
          cancelledQuantity: cancelled,
        });
      },
      expired: (internal, filled, expired) => {
        const c = this.command!;
        const { orderId, accountId } = this.forget(internal);
        this.emit({
          schemaVersion: 1,
          symbol: c.symbol,
          commandId: c.commandId,
          traceId: c.traceId,
          timestamp: c.timestamp,
          sequence: ++this.sequence,
          type: 'order_expired',
          orderId,
          accountId,
          filledQuantity: filled,
          expiredQuantity: expired,
        });
      },
      stopTriggered: (internal, stopPrice, lastTradePrice) => {
        const c = this.command!;
        const { orderId, accountId } = this.identity(internal);
        this.emit({
          schemaVersion: 1,
          symbol: c.symbol,
          commandId: c.commandId,
          traceId: c.traceId,
          timestamp: c.timestamp,
          sequence: ++this.sequence,
          type: 'stop_triggered',
          orderId,
          accountId,
          stopPrice,
          lastTradePrice,
        });
      },
      volatilityAuction: (referencePrice, price) => {
        const c = this.command!;
        const endsAt = c.timestamp + this.volatilityAuctionMs;
        this.auctionEndsAt = endsAt;
        this.emit({
          schemaVersion: 1,
          symbol: c.symbol,
          commandId: c.commandId,
          traceId: c.traceId,
          timestamp: c.timestamp,
          sequence: ++this.sequence,
          type: 'volatility_auction',
          referencePrice,
          price,
          endsAt,
        });
      },
      levelChanged: (side, price, quantity, orderCount) => {
        const c = this.command!;
        this.emit({
          schemaVersion: 1,
          symbol: c.symbol,
          commandId: c.commandId,
          traceId: c.traceId,
          timestamp: c.timestamp,
          sequence: ++this.sequence,
          type: 'level_changed',
          side: SIDE_NAMES[side]!,
          price,
          quantity,
          orderCount,
        });
      },
    };
  }
}

/** `YYYY-MM-DD` as the number YYYYMMDD, for the state hash. */
function dayNumber(day: string): number {
  return Number(day.replaceAll('-', ''));
}
