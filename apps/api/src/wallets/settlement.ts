import { cashHoldFor, feeOn, type EngineEvent, type LedgerReason, type OrderType, type Side } from '@bolsa/contracts';
import { CASH, EXCHANGE_ACCOUNT_ID, type LedgerRow } from './ledger.js';

type Trade = Extract<EngineEvent, { type: 'trade' }>;

export interface TradeCosts {
  readonly makerFee: bigint;
  readonly takerFee: bigint;
  readonly sellerCost: bigint;
}

/** The money side of one order: what it still holds, and on what terms. */
export interface HeldOrder {
  readonly orderId: string;
  readonly accountId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly holdAsset: string;
  holdAmount: bigint;
  holdPrice: bigint | null;
  readonly holdFeeBps: number;
  readonly orderType: OrderType;
  /** Shares still to fill, as the events so far leave it. */
  remaining: bigint;
  /** Its limit price; null for market and stop-market orders. */
  price: bigint | null;
  /** A market or stop-market order's protection price, if it has one. */
  protectionPrice: bigint | null;
  /** Amends the API recorded for the order: the last one's number. */
  amendsSent: number;
  /** The highest amend number the engine has answered: below amendsSent while an amend is on its way. */
  amendsAnswered: number;
}

export interface Balance {
  available: bigint;
  held: bigint;
  /** Positions only: what the shares cost (average-cost method). */
  costBasis: bigint;
}

export interface FeeRates {
  readonly makerBps: number;
  readonly takerBps: number;
}

export interface SettlementOutcome {
  readonly ledger: LedgerRow[];
  /** Per trade: its fees, and what the seller's shares cost (average cost) as they left. */
  readonly tradeCosts: Map<string, TradeCosts>;
  readonly changedBalances: Set<string>;
  readonly changedOrders: Set<string>;
  /**
   * Trades recorded but moving no money: their orders are not known here (placed outside this API), or they need
   * more than the orders hold and their accounts have free.
   */
  readonly unsettled: string[];
}

/** A broken money invariant: stops the batch (and so the ingestion) rather than write a wrong balance. */
export class SettlementError extends Error {}

export const balanceKey = (accountId: string, asset: string) => `${accountId}|${asset}`;

export const bigMax = (a: bigint, b: bigint) => (a > b ? a : b);
export const bigMin = (a: bigint, b: bigint) => (a < b ? a : b);
export const bigOrNull = (value: string | number | null) => (value === null ? null : BigInt(value));

/** Events after which an order can never trade again, so whatever it still holds goes back. */
function finishedOrderId(event: EngineEvent): string | null {
  switch (event.type) {
    case 'order_filled':
    case 'order_cancelled':
    case 'order_expired':
      return event.orderId;
    case 'order_rejected':
      return event.commandType === 'place_order' ? event.orderId : null;
    default:
      return null;
  }
}

/** The engine's answer to an amend: it took it, or refused it. */
const answersAmend = (event: EngineEvent) =>
  (event.type === 'order_updated' && event.change === 'amended') ||
  (event.type === 'order_rejected' && event.commandType === 'amend_order');

/**
 * Events after which an order may need less than it holds: an amend answered (the last one on its way leaves the
 * order on terms the engine has confirmed), or a quantity cut by self-trade prevention.
 */
function resizedOrderId(event: EngineEvent): string | null {
  if (event.type !== 'order_updated' && event.type !== 'order_rejected') return null;
  const decremented = event.type === 'order_updated' && event.change === 'decremented';
  return decremented || answersAmend(event) ? event.orderId : null;
}

/** The order whose hold an event other than a trade may change. */
const heldOrderId = (event: EngineEvent) => finishedOrderId(event) ?? resizedOrderId(event);

/** The orders whose holds a batch of events touches. */
export function ordersInvolved(events: readonly EngineEvent[]): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.type === 'trade') {
      ids.add(event.makerOrderId);
      ids.add(event.takerOrderId);
    } else {
      const id = heldOrderId(event);
      if (id !== null) ids.add(id);
    }
  }
  return ids;
}

/**
 * The balances a batch may change, known before its orders are read: each trade's parties' cash and shares and the
 * exchange's cash, as [accountId, asset] pairs (`keys`), and the orders whose holds its other events may release or
 * resize (`holdsOf`), whose balance is the one their order holds from.
 */
export function balancesInvolved(events: readonly EngineEvent[]): {
  keys: Array<[string, string]>;
  holdsOf: string[];
} {
  const keys = new Map<string, [string, string]>();
  const holdsOf = new Set<string>();
  const add = (accountId: string, asset: string) => keys.set(balanceKey(accountId, asset), [accountId, asset]);
  for (const event of events) {
    if (event.type === 'trade') {
      for (const accountId of [event.makerAccountId, event.takerAccountId]) {
        add(accountId, CASH);
        add(accountId, event.symbol);
      }
      add(EXCHANGE_ACCOUNT_ID, CASH);
      continue;
    }
    const orderId = heldOrderId(event);
    if (orderId !== null) holdsOf.add(orderId);
  }
  return { keys: [...keys.values()], holdsOf: [...holdsOf] };
}

/**
 * Folds a batch of engine events, in order, into balance changes and ledger entries: each trade moves cash and
 * shares between buyer and seller out of what their orders hold, charges fees to the exchange account and
 * refunds price improvement; each finished order releases what it still holds. Pure: it only mutates the maps it
 * is given, which the caller loaded (and locked) and writes back.
 */
export function settle(
  events: readonly EngineEvent[],
  orders: Map<string, HeldOrder>,
  balances: Map<string, Balance>,
  rates: FeeRates,
): SettlementOutcome {
  const outcome: SettlementOutcome = {
    ledger: [],
    tradeCosts: new Map(),
    changedBalances: new Set(),
    changedOrders: new Set(),
    unsettled: [],
  };
  const change = (
    accountId: string,
    asset: string,
    reason: LedgerReason,
    availableChange: bigint,
    heldChange: bigint,
    refs: { orderId: string | null; tradeId: string | null; traceId: string },
  ) => {
    const key = balanceKey(accountId, asset);
    const balance = balances.get(key);
    if (balance === undefined) throw new SettlementError(`balance ${key} was not loaded`);
    balance.available += availableChange;
    balance.held += heldChange;
    if (balance.available < 0n || balance.held < 0n) {
      throw new SettlementError(`balance ${key} would go negative (${reason}, trade ${refs.tradeId ?? '-'})`);
    }
    outcome.changedBalances.add(key);
    // Every field named rather than `...refs`: V8 copies a spread that follows other fields property by property.
    outcome.ledger.push({
      accountId,
      asset,
      reason,
      availableChange,
      heldChange,
      availableAfter: balance.available,
      heldAfter: balance.held,
      orderId: refs.orderId,
      tradeId: refs.tradeId,
      traceId: refs.traceId,
    });
  };

  const settleTrade = (trade: Trade) => {
    const buyerIsTaker = trade.aggressorSide === 'buy';
    const buy = orders.get(buyerIsTaker ? trade.takerOrderId : trade.makerOrderId);
    const sell = orders.get(buyerIsTaker ? trade.makerOrderId : trade.takerOrderId);
    if (buy === undefined || sell === undefined || buy.holdPrice === null) {
      outcome.unsettled.push(trade.tradeId);
      return;
    }
    const quantity = BigInt(trade.quantity);
    const notional = quantity * BigInt(trade.price);
    const buyerFee = feeOn(notional, Math.min(buyerIsTaker ? rates.takerBps : rates.makerBps, buy.holdFeeBps));
    const sellerFee = feeOn(notional, Math.min(buyerIsTaker ? rates.makerBps : rates.takerBps, sell.holdFeeBps));
    // What the order held for these shares, at most what it still holds: an amend that raised the price and cut the
    // quantity holds the new quantity at the new price, while fills of the old order may still be on their way.
    const heldFor = cashHoldFor(quantity, buy.holdPrice, buy.holdFeeBps);
    const consumed = bigMax(bigMin(heldFor, buy.holdAmount), notional + buyerFee);
    const buyer = { orderId: buy.orderId, tradeId: trade.tradeId, traceId: trade.traceId };
    const seller = { orderId: sell.orderId, tradeId: trade.tradeId, traceId: trade.traceId };

    // An order holds enough by construction. One that does not (its hold was released because the API believed
    // it never reached the exchange, yet it did) takes the rest from what its account has free; when even that is
    // short the trade is reported unsettled rather than stopping every other settlement.
    const cashShort = consumed - buy.holdAmount;
    const sharesShort = quantity - sell.holdAmount;
    const cashFree = balances.get(balanceKey(buy.accountId, CASH))?.available ?? 0n;
    const sharesFree = balances.get(balanceKey(sell.accountId, trade.symbol))?.available ?? 0n;
    if ((cashShort > 0n && cashFree < cashShort) || (sharesShort > 0n && sharesFree < sharesShort)) {
      outcome.unsettled.push(trade.tradeId);
      return;
    }
    if (cashShort > 0n) {
      change(buy.accountId, CASH, 'hold', -cashShort, cashShort, buyer);
      buy.holdAmount += cashShort;
    }
    if (sharesShort > 0n) {
      change(sell.accountId, trade.symbol, 'hold', -sharesShort, sharesShort, seller);
      sell.holdAmount += sharesShort;
    }
    buy.holdAmount -= consumed;
    sell.holdAmount -= quantity;
    outcome.changedOrders.add(buy.orderId).add(sell.orderId);

    change(buy.accountId, CASH, 'trade', 0n, -notional, buyer);
    if (buyerFee > 0n) change(buy.accountId, CASH, 'fee', 0n, -buyerFee, buyer);
    const refund = consumed - notional - buyerFee;
    if (refund > 0n) change(buy.accountId, CASH, 'release', refund, -refund, buyer);
    change(buy.accountId, trade.symbol, 'trade', quantity, 0n, buyer);
    balances.get(balanceKey(buy.accountId, trade.symbol))!.costBasis += notional + buyerFee;

    const sold = balances.get(balanceKey(sell.accountId, trade.symbol));
    let sellerCost = 0n;
    if (sold !== undefined) {
      // The shares leave at their average cost: the rest keep the same cost per share.
      const sharesBefore = sold.available + sold.held;
      sellerCost = sharesBefore === 0n ? sold.costBasis : (sold.costBasis * quantity) / sharesBefore;
      sold.costBasis -= sellerCost;
    }
    change(sell.accountId, trade.symbol, 'trade', 0n, -quantity, seller);
    change(sell.accountId, CASH, 'trade', notional, 0n, seller);
    if (sellerFee > 0n) change(sell.accountId, CASH, 'fee', -sellerFee, 0n, seller);

    if (buyerFee > 0n) change(EXCHANGE_ACCOUNT_ID, CASH, 'fee', buyerFee, 0n, buyer);
    if (sellerFee > 0n) change(EXCHANGE_ACCOUNT_ID, CASH, 'fee', sellerFee, 0n, seller);
    outcome.tradeCosts.set(trade.tradeId, {
      makerFee: buyerIsTaker ? sellerFee : buyerFee,
      takerFee: buyerIsTaker ? buyerFee : sellerFee,
      sellerCost,
    });
  };

  const release = (order: HeldOrder, amount: bigint, traceId: string) => {
    order.holdAmount -= amount;
    outcome.changedOrders.add(order.orderId);
    change(order.accountId, order.holdAsset, 'release', amount, -amount, {
      orderId: order.orderId,
      tradeId: null,
      traceId,
    });
  };

  for (const event of events) {
    if (event.type === 'trade') {
      settleTrade(event);
      continue;
    }
    if (event.type === 'order_updated') follow(orders.get(event.orderId), event);
    const finished = orders.get(finishedOrderId(event) ?? '');
    if (finished !== undefined) {
      // Nothing is waited for from an order that has ended: an amend whose send failed is never withdrawn (the
      // re-sender looks at live orders) and would otherwise show as on its way for good; one still on its way is
      // refused when it comes, which changes nothing.
      if (finished.amendsAnswered < finished.amendsSent) {
        finished.amendsAnswered = finished.amendsSent;
        outcome.changedOrders.add(finished.orderId);
      }
      if (finished.holdAmount > 0n) release(finished, finished.holdAmount, event.traceId);
      continue;
    }
    const resized = orders.get(resizedOrderId(event) ?? '');
    if (resized === undefined) continue;
    if (answersAmend(event)) {
      resized.amendsAnswered = answeredAfter(resized, event);
      outcome.changedOrders.add(resized.orderId);
    }
    if (resized.amendsAnswered < resized.amendsSent) continue;
    const holdPrice = confirmedHoldPrice(resized);
    if (holdPrice !== resized.holdPrice) {
      // Each later fill takes its shares' hold at this price.
      resized.holdPrice = holdPrice;
      outcome.changedOrders.add(resized.orderId);
    }
    const excess = resized.holdAmount - holdNeeded(resized);
    if (excess > 0n) release(resized, excess, event.traceId);
  }
  return outcome;
}

/**
 * The highest amend number answered once the engine answered `event`: its number; or, for an amend sent before
 * amends were numbered, one more than before.
 */
function answeredAfter(order: HeldOrder, event: EngineEvent): number {
  const number = 'amendNumber' in event ? event.amendNumber : undefined;
  if (number === undefined) return Math.min(order.amendsSent, order.amendsAnswered + 1);
  return Math.max(order.amendsAnswered, number);
}

/** Keeps an order's terms as the engine reports them. */
function follow(order: HeldOrder | undefined, event: Extract<EngineEvent, { type: 'order_updated' }>): void {
  if (order === undefined) return;
  order.remaining = BigInt(event.remainingQuantity);
  order.price = bigOrNull(event.price);
  if (event.protectionPrice !== undefined && event.protectionPrice !== null) {
    order.protectionPrice = BigInt(event.protectionPrice);
  }
}

/** A buy's hold price on the terms the engine confirmed: its limit (or protection) price, if below the one held. */
function confirmedHoldPrice(order: HeldOrder): bigint | null {
  if (order.side === 'sell' || order.holdPrice === null) return order.holdPrice;
  const limited = order.orderType === 'limit' || order.orderType === 'stop_limit';
  const price = limited ? order.price : order.protectionPrice;
  return price !== null && price < order.holdPrice ? price : order.holdPrice;
}

/** What an order needs to hold for its remaining shares, with no amend on its way: the shares, or their cost. */
function holdNeeded(order: HeldOrder): bigint {
  if (order.side === 'sell') return order.remaining;
  if (order.holdPrice === null) return order.holdAmount;
  return cashHoldFor(order.remaining, order.holdPrice, order.holdFeeBps);
}
