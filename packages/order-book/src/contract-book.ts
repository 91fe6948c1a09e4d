import type {
  AmendOrderCommand,
  EngineEvent,
  Instrument,
  OrderCommand,
  OrderType,
  PlaceOrderCommand,
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
import { ContractEvents, type EventSource } from './contract-events.js';
import { OrderBook } from './order-book.js';
import { OrderIdentities, type IdentityRow } from './order-identities.js';
import { PlacementMemory, type PlacementMemorySnapshot } from './placement-memory.js';

const SIDES: Record<Side, SideCode> = { buy: BUY, sell: SELL };
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

export interface ContractBookSnapshot {
  readonly format: 1;
  readonly symbol: string;
  /** Sequence number of the last event emitted. */
  readonly sequence: number;
  readonly book: BookSnapshot;
  /** Every live order's identity (see `IdentityRow`). */
  readonly orders: IdentityRow[];
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
  private readonly identities: OrderIdentities;
  /** Makes the events of the command being applied. */
  private readonly events: ContractEvents;
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
    if (snapshot !== undefined && (snapshot.format !== 1 || snapshot.symbol !== instrument.symbol)) {
      throw new Error('snapshot is for another book');
    }
    this.identities = new OrderIdentities(snapshot);
    const source: EventSource = {
      core: () => this.book,
      volatilityAuctionStarted: (timestamp) => (this.auctionEndsAt = timestamp + this.volatilityAuctionMs),
    };
    const events = (this.events = new ContractEvents(this.identities, source, snapshot?.sequence));
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
    this.book = OrderBook.restore(snapshot.book, events);
    this.closedUntil = snapshot.closedUntil ?? null;
    this.closedDay = snapshot.closedDay ?? null;
    this.tradingEndedAt = snapshot.tradingEndedAt ?? null;
    this.auctionEndsAt = snapshot.auctionEndsAt ?? null;
    this.openedAt = snapshot.openedAt ?? null;
  }

  /** The sequence number of the last event emitted (0 before any). */
  get lastSequence(): number {
    return this.events.sequence;
  }

  get core(): OrderBook {
    return this.book;
  }

  apply(command: OrderCommand): EngineEvent[] {
    if (command.symbol !== this.instrument.symbol) {
      throw new Error(`command for ${command.symbol} sent to the ${this.instrument.symbol} book`);
    }
    const events = this.events;
    events.command = command;
    // A close speaks for its closing instant too, whenever it was sent: a closing call ending then uncrosses first.
    const closesAt = command.type === 'end_of_day' ? (command.closedAt ?? 0) : 0;
    this.uncrossIfDue(Math.max(command.timestamp, closesAt));
    switch (command.type) {
      case 'place_order':
        this.place(command);
        break;
      case 'cancel_order':
      case 'amend_order': {
        events.commandType = command.type;
        events.clientOrderId = command.clientOrderId;
        const internal = this.identities.internalOf(command.orderId);
        if (internal === undefined) {
          if (command.type === 'cancel_order' && !this.placements.has(command.orderId)) {
            // Not placed yet, as far as this book knows: should the placement still come, it must not go live.
            const reason = command.reason ?? 'requested';
            this.placements.cancelBeforePlacement(command.orderId, command.accountId, command.timestamp, reason);
          }
          events.reject(command.orderId, command.accountId, command.clientOrderId, 'unknown_order');
        } else if (this.identities.of(internal).accountId !== command.accountId) {
          events.reject(command.orderId, command.accountId, command.clientOrderId, 'not_order_owner');
        } else if (command.type === 'cancel_order') {
          this.book.cancel(internal, ANY_ACCOUNT, command.reason ?? 'requested');
        } else if (!this.takesAmendNumber(internal, command)) {
          // A copy, or overtaken: nothing to do.
        } else if (this.newLastDayRefused(internal, command)) {
          events.reject(command.orderId, command.accountId, command.clientOrderId, 'not_amendable', LAST_DAY_REFUSED);
        } else if (!changesTerms(command)) {
          // Only the last day moves, which could not trade: taken whenever recorded, the order keeps its place.
          this.book.reannounce(internal);
        } else if (this.recordedBeforeTradingEnded(command.timestamp)) {
          events.reject(command.orderId, command.accountId, command.clientOrderId, 'market_closed');
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
          closedAt === undefined
            ? undefined
            : (internal) => (this.identities.find(internal)?.placedAt ?? 0) <= closedAt,
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
    events.placing = null;
    return events.take();
  }

  snapshot(): ContractBookSnapshot {
    return {
      format: 1,
      symbol: this.instrument.symbol,
      sequence: this.events.sequence,
      book: this.book.snapshot(),
      ...this.identities.snapshot(),
      placements: this.placements.snapshot(),
      ...(this.closedUntil === null ? {} : { closedUntil: this.closedUntil }),
      ...(this.closedDay === null ? {} : { closedDay: this.closedDay }),
      ...(this.tradingEndedAt === null ? {} : { tradingEndedAt: this.tradingEndedAt }),
      ...(this.auctionEndsAt === null ? {} : { auctionEndsAt: this.auctionEndsAt }),
      ...(this.openedAt === null ? {} : { openedAt: this.openedAt }),
    };
  }

  stateHash(): string {
    const waiting = this.placements.cancelsWaiting;
    const placements = `${this.placements.latestTimestamp}-${this.placements.size}${waiting === 0 ? '' : `+${waiting}`}`;
    const closed = [
      this.closedUntil === null ? '' : `-${this.closedUntil}`,
      this.closedDay === null ? '' : `@${this.closedDay}`,
      this.tradingEndedAt === null ? '' : `!${this.tradingEndedAt}`,
      this.auctionEndsAt === null ? '' : `~${this.auctionEndsAt}`,
      this.openedAt === null ? '' : `^${this.openedAt}`,
    ].join('');
    const identities = this.identities.hash().toString(16);
    return `${this.book.stateHash()}-${this.events.sequence}-${placements}-${identities}${closed}`;
  }

  validateInternalState(): string[] {
    const problems = [...this.book.validateInternalState(), ...this.placements.problems()];
    if (this.identities.size !== this.book.liveOrders) {
      problems.push(`${this.identities.size} order ids mapped, ${this.book.liveOrders} live in the book`);
    }
    for (const internal of this.identities.internals()) {
      if (!this.book.isLive(internal)) problems.push(`internal id ${internal} is mapped but not live`);
    }
    return problems;
  }

  private place(command: PlaceOrderCommand): void {
    const events = this.events;
    events.commandType = 'place_order';
    events.clientOrderId = command.clientOrderId;
    // Only placements move the window: their timestamps all come from where orders are recorded, so one clock
    // decides what is stale (a cancel's timestamp comes from whichever process sent it).
    this.placements.advance(command.timestamp);
    // Order ids are made once by whoever records the order, so the same id again is that order sent again.
    if (this.identities.internalOf(command.orderId) !== undefined || this.placements.has(command.orderId)) {
      return;
    }
    const cancelledFirst = this.placements.takeCancelBeforePlacement(command.orderId, command.accountId);
    if (cancelledFirst !== null) {
      this.placements.remember(command.orderId, command.timestamp);
      events.cancelUnplaced(command, cancelledFirst);
      return;
    }
    if (command.timeInForce === 'DAY' && this.closedUntil !== null && command.timestamp <= this.closedUntil) {
      // Recorded before a close it reached the book after (a re-send): its day is over, as it would be had it rested.
      this.placements.remember(command.orderId, command.timestamp);
      events.expireUnplaced(command);
      return;
    }
    if (command.expiresOn !== undefined && this.closedDay !== null && command.expiresOn <= this.closedDay) {
      // A GTD order whose last day closed before it reached the book (a re-send): over, as it would be had it rested.
      this.placements.remember(command.orderId, command.timestamp);
      events.expireUnplaced(command);
      return;
    }
    if (this.recordedBeforeTradingEnded(command.timestamp)) {
      // Recorded in hours, reaching the book after the close (a re-send): it must not trade while closed.
      this.placements.remember(command.orderId, command.timestamp);
      events.reject(command.orderId, command.accountId, command.clientOrderId, 'market_closed');
      return;
    }
    if (this.placements.isStale(command.timestamp)) {
      events.reject(command.orderId, command.accountId, command.clientOrderId, 'stale_command');
      return;
    }
    if ((command.sentAt ?? command.timestamp) - command.timestamp > this.placementMaxDelayMs) {
      // Final: a copy sent earlier that is still on its way (another process's) must not place it afterwards.
      this.placements.remember(command.orderId, command.timestamp);
      events.reject(command.orderId, command.accountId, command.clientOrderId, 'stale_command');
      return;
    }
    this.placements.remember(command.orderId, command.timestamp);
    const { orderId, accountId, timestamp } = command;
    const internal = this.identities.add(orderId, accountId, timestamp, command.expiresOn ?? null);
    events.placing = command;
    this.enterAuctionOf(command);
    this.book.place(
      internal,
      this.identities.accountNumber(command.accountId),
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

  /**
   * Whether a live order's amend is for the book: one numbered at or below the last the order had is a copy, or was
   * overtaken by a later amend, and changes nothing (no event); a withdrawal takes its number and is refused, so
   * that the amend it withdraws changes nothing should it come after all.
   */
  private takesAmendNumber(internal: number, command: AmendOrderCommand): boolean {
    const number = command.amendNumber;
    if (number === undefined) return true;
    const identity = this.identities.of(internal);
    if (number <= identity.amendsSeen) return false;
    identity.amendsSeen = number;
    if (command.withdraw !== true) return true;
    const { orderId, accountId } = identity;
    this.events.reject(orderId, accountId, command.clientOrderId, 'stale_command', WITHDRAWN);
    return false;
  }

  /**
   * Whether an amend names a last day the order cannot have: the order is not GTD, or the day has closed already (a
   * re-send that came late: the order would have expired by it).
   */
  private newLastDayRefused(internal: number, command: AmendOrderCommand): boolean {
    if (command.expiresOn === undefined) return false;
    if (this.identities.of(internal).expiresOn === null) return true;
    return this.closedDay !== null && command.expiresOn <= this.closedDay;
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
    for (const internal of this.identities.internals()) {
      const expiresOn = this.identities.of(internal).expiresOn;
      if (expiresOn !== null && expiresOn <= tradingDay) due.push(internal);
    }
    const placedAt = (internal: number) => this.identities.of(internal).placedAt;
    due.sort((a, b) => placedAt(a) - placedAt(b) || a - b);
    for (const internal of due) this.book.expireOrder(internal);
  }
}
