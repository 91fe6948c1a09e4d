import { z } from 'zod';

/** The vocabulary of an order, shared by commands, events and HTTP bodies. */
export const Side = z.enum(['buy', 'sell']);
export type Side = z.infer<typeof Side>;

export const OrderType = z.enum(['limit', 'market', 'stop_limit', 'stop_market']);
export type OrderType = z.infer<typeof OrderType>;

/**
 * GTC rests until cancelled, DAY until end of day, GTD until the close of its date (`expiresOn`), IOC takes what it
 * can now, FOK all or nothing now.
 */
export const TimeInForce = z.enum(['GTC', 'DAY', 'GTD', 'IOC', 'FOK']);
export type TimeInForce = z.infer<typeof TimeInForce>;

/** What happens when an order would trade with another order of the same account. */
export const SelfTradePrevention = z.enum(['cancel_newest', 'cancel_oldest', 'cancel_both', 'decrement_and_cancel']);
export type SelfTradePrevention = z.infer<typeof SelfTradePrevention>;

export const OrderStatus = z.enum([
  'pending',
  'open',
  'partially_filled',
  'filled',
  'cancelled',
  'expired',
  'rejected',
]);
export type OrderStatus = z.infer<typeof OrderStatus>;
/** An order still live: it can trade, be amended or be cancelled. */
export const OPEN_STATUSES: readonly OrderStatus[] = ['pending', 'open', 'partially_filled'];
/** An order that has ended: nothing more happens to it. */
export const DONE_STATUSES: readonly OrderStatus[] = ['filled', 'cancelled', 'expired', 'rejected'];

/** Why the engine refused a command. */
export const RejectReason = z.enum([
  'invalid_order',
  'unknown_symbol',
  'off_tick',
  'off_lot',
  'price_out_of_band',
  'duplicate_order_id',
  'unknown_order',
  'not_order_owner',
  'post_only_would_take',
  'not_amendable',
  'quantity_below_filled',
  /**
   * A placement sent too long after its order was recorded, or older than the window in which re-sends are known;
   * an amend withdrawn because its answer was overdue.
   */
  'stale_command',
  /** A placement or amend while trading in the symbol is halted. */
  'trading_halted',
  /**
   * A placement or amend recorded before a close that ended the day's trading (an exchange with trading hours) and
   * reaching the book after it: it would trade while the exchange is closed.
   */
  'market_closed',
  /**
   * A market, IOC, FOK or post-only order during a call auction (the pre-opening): nothing trades until the auction
   * ends, so it would have nothing to do.
   */
  'auction_call',
  /** A placement or amend asking for more shares than the instrument's most per order (`maxOrderQuantity`). */
  'quantity_over_limit',
]);
export type RejectReason = z.infer<typeof RejectReason>;

/** Why an accepted order stopped before filling completely. */
export const CancelReason = z.enum([
  'requested',
  'immediate_or_cancel',
  'fill_or_kill',
  'no_liquidity',
  'self_trade_prevention',
  /** Cancelled by the exchange when it suspended the owner's account. */
  'account_suspended',
]);
export type CancelReason = z.infer<typeof CancelReason>;

/** Why a cancel command was sent: its owner asked (the default), or the exchange suspended the owner's account. */
export const CancelRequestReason = CancelReason.extract(['requested', 'account_suspended']);
export type CancelRequestReason = z.infer<typeof CancelRequestReason>;

/** Which rules make a set of order fields consistent; shared by the command schema and the HTTP edge. */
export interface OrderShape {
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  readonly hasPrice: boolean;
  readonly hasStopPrice: boolean;
  readonly hasTrailingOffset: boolean;
  /** Set by the API on market orders, never sent over HTTP: absent there. */
  readonly hasProtectionPrice?: boolean;
  /** Whether a date the order is good till is given (GTD needs one, nothing else takes one). */
  readonly hasExpiresOn: boolean;
  readonly postOnly: boolean;
}

export interface ShapeProblem {
  readonly field:
    'price' | 'stopPrice' | 'trailingOffset' | 'protectionPrice' | 'timeInForce' | 'expiresOn' | 'postOnly';
  /** `required`: the order type needs the field; `not_allowed`: it does not take it, or not this value. */
  readonly code: 'required' | 'not_allowed';
  readonly message: string;
}

export function orderShapeProblems(shape: OrderShape): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const needsPrice = shape.orderType === 'limit' || shape.orderType === 'stop_limit';
  const isStop = shape.orderType === 'stop_limit' || shape.orderType === 'stop_market';
  const resting = shape.timeInForce === 'GTC' || shape.timeInForce === 'DAY' || shape.timeInForce === 'GTD';
  const required = (field: 'price' | 'stopPrice' | 'expiresOn') =>
    problems.push({ field, code: 'required', message: `is required for ${shape.orderType}` });
  const notAllowed = (field: ShapeProblem['field'], message: string) =>
    problems.push({ field, code: 'not_allowed', message });
  if (needsPrice && !shape.hasPrice) required('price');
  if (!needsPrice && shape.hasPrice) notAllowed('price', `is not allowed for ${shape.orderType}`);
  if (isStop && !shape.hasStopPrice) required('stopPrice');
  if (!isStop && shape.hasStopPrice) notAllowed('stopPrice', `is not allowed for ${shape.orderType}`);
  if (!isStop && shape.hasTrailingOffset) notAllowed('trailingOffset', 'is only allowed for stop orders');
  if (shape.hasProtectionPrice === true && shape.orderType !== 'market' && shape.orderType !== 'stop_market') {
    notAllowed('protectionPrice', 'is only for market orders');
  }
  if (shape.orderType === 'market' && shape.timeInForce !== 'IOC' && shape.timeInForce !== 'FOK') {
    notAllowed('timeInForce', 'market orders are IOC or FOK');
  }
  if (isStop && !resting) {
    notAllowed('timeInForce', 'stop orders wait for their trigger: GTC, DAY or GTD');
  }
  if (shape.timeInForce === 'GTD' && !shape.hasExpiresOn) {
    problems.push({
      field: 'expiresOn',
      code: 'required',
      message: 'is required for GTD: the date the order is good till',
    });
  }
  if (shape.timeInForce !== 'GTD' && shape.hasExpiresOn) notAllowed('expiresOn', 'is only allowed for GTD orders');
  if (shape.postOnly && (shape.orderType !== 'limit' || !resting)) {
    notAllowed('postOnly', 'is only allowed for resting (GTC, DAY or GTD) limit orders');
  }
  return problems;
}

/**
 * Whether a call auction (the pre-opening) refuses an order: one that could only take at once (market, IOC, FOK) or
 * only make (post-only) has nothing to do while nothing trades. Stop orders wait, as they do anyway.
 */
export function refusedInAuction(order: {
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
}): boolean {
  if (order.orderType === 'market') return true;
  return order.orderType === 'limit' && (order.timeInForce === 'IOC' || order.timeInForce === 'FOK' || order.postOnly);
}

/** Why a GTD order cannot be good till a day. */
export type GoodTillProblem = 'past' | 'not_a_trading_day' | 'too_far';

/** The same date a year on (`YYYY-MM-DD`). */
export const aYearOn = (day: string): string => `${Number(day.slice(0, 4)) + 1}${day.slice(4)}`;

/**
 * Why a GTD order cannot be good till `day` (`YYYY-MM-DD`): before `firstDay`, the first it can live through (the next
 * the exchange closes), `past`; no trading day, `not_a_trading_day`; more than a year after `today` (the exchange's
 * local date), `too_far`; null when it can. The API decides by it, and the ticket checks by it before sending.
 */
export function goodTillProblem(
  day: string,
  rules: { readonly firstDay: string; readonly today: string; readonly isTradingDay: (day: string) => boolean },
): GoodTillProblem | null {
  if (day < rules.firstDay) return 'past';
  if (!rules.isTradingDay(day)) return 'not_a_trading_day';
  if (day > aYearOn(rules.today)) return 'too_far';
  return null;
}
