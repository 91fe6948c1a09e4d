import {
  ANY_ACCOUNT,
  BUY,
  DAY,
  FOK,
  GTC,
  IOC,
  LIMIT,
  MARKET,
  OrderBook,
  SELL,
  STOP_LIMIT,
  STOP_MARKET,
  STP_CANCEL_NEWEST,
  type BookConfig,
  type BookEvents,
  type OrderKindCode,
  type SelfTradePreventionCode,
  type SideCode,
  type TimeInForceCode,
} from '../src/index.js';

/** Every event the book emits, as a readable tuple. */
export type Event =
  | ['accepted', number]
  | ['rejected', number, string]
  | ['trade', number, number, SideCode, number, number]
  | ['updated', number, string, number, number, number, number]
  | ['filled', number, number]
  | ['cancelled', number, string, number, number]
  | ['expired', number, number, number]
  | ['stop', number, number, number]
  | ['level', SideCode, number, number, number]
  | ['volatility', number, number];

export function recorder(log: Event[]): BookEvents {
  return {
    accepted: (id) => log.push(['accepted', id]),
    rejected: (id, reason) => log.push(['rejected', id, reason]),
    trade: (_n, price, quantity, side, maker, _ma, taker) => log.push(['trade', price, quantity, side, maker, taker]),
    updated: (id, change, price, stop, quantity, remaining) =>
      log.push(['updated', id, change, price, stop, quantity, remaining]),
    filled: (id, quantity) => log.push(['filled', id, quantity]),
    cancelled: (id, reason, filled, cancelled) => log.push(['cancelled', id, reason, filled, cancelled]),
    expired: (id, filled, expired) => log.push(['expired', id, filled, expired]),
    stopTriggered: (id, stop, last) => log.push(['stop', id, stop, last]),
    levelChanged: (side, price, quantity, count) => log.push(['level', side, price, quantity, count]),
    volatilityAuction: (reference, price) => log.push(['volatility', reference, price]),
  };
}

export interface OrderOptions {
  account?: number;
  kind?: OrderKindCode;
  tif?: TimeInForceCode;
  stop?: number;
  trail?: number;
  postOnly?: boolean;
  stp?: SelfTradePreventionCode;
}

export const DEFAULT_CONFIG: BookConfig = { tickSize: 1, lotSize: 1, priceBand: null };

/** A book plus its event log, with short verbs for scenarios. */
export class Harness {
  readonly log: Event[] = [];
  readonly book: OrderBook;

  constructor(config: BookConfig = DEFAULT_CONFIG) {
    this.book = new OrderBook(config, recorder(this.log));
  }

  place(id: number, side: SideCode, price: number, quantity: number, options: OrderOptions = {}): Event[] {
    const kind = options.kind ?? (price === 0 ? MARKET : LIMIT);
    const tif = options.tif ?? (kind === MARKET ? IOC : GTC);
    this.book.place(
      id,
      options.account ?? id,
      side,
      kind,
      tif,
      price,
      options.stop ?? 0,
      options.trail ?? 0,
      quantity,
      options.postOnly ?? false,
      options.stp ?? STP_CANCEL_NEWEST,
    );
    return this.take();
  }

  buy(id: number, price: number, quantity: number, options?: OrderOptions): Event[] {
    return this.place(id, BUY, price, quantity, options);
  }

  sell(id: number, price: number, quantity: number, options?: OrderOptions): Event[] {
    return this.place(id, SELL, price, quantity, options);
  }

  cancel(id: number, account = ANY_ACCOUNT): Event[] {
    this.book.cancel(id, account);
    return this.take();
  }

  amend(id: number, price: number, quantity: number, account = ANY_ACCOUNT): Event[] {
    this.book.amend(id, account, price, quantity);
    return this.take();
  }

  /** A new stop price for a waiting stop order, and a new price (limit, or a stop-market's protection) or 0. */
  amendStop(id: number, stop: number, price = 0, account = ANY_ACCOUNT): Event[] {
    this.book.amend(id, account, price, 0, stop);
    return this.take();
  }

  /** A new trailing distance for a waiting trailing stop. */
  amendTrail(id: number, trail: number, account = ANY_ACCOUNT): Event[] {
    this.book.amend(id, account, 0, 0, 0, trail);
    return this.take();
  }

  endOfDay(expires?: (id: number) => boolean): Event[] {
    this.book.endOfDay(expires);
    return this.take();
  }

  halt(): Event[] {
    this.book.halt();
    return this.take();
  }

  resume(): Event[] {
    this.book.resume();
    return this.take();
  }

  take(): Event[] {
    const problems = this.book.validateInternalState();
    if (problems.length > 0) throw new Error(`book invariants broken: ${problems.join('; ')}`);
    return this.log.splice(0);
  }

  /** [price, quantity, orderCount] per level, best first. */
  side(side: SideCode): [number, number, number][] {
    return this.book.depth(side, 1000).map((level) => [level.price, level.quantity, level.orderCount]);
  }
}

/** The events of one kind, in order. */
export const only = (events: Event[], kind: Event[0]): Event[] => events.filter((event) => event[0] === kind);

export { BUY, SELL, GTC, DAY, IOC, FOK, LIMIT, MARKET, STOP_LIMIT, STOP_MARKET };
