import { z } from 'zod';
import { formatCents, formatQuantity, parsePrice, parseQuantity, type DecimalErrorCode } from './decimal.js';
import { ClientOrderId, InstrumentSymbol } from './ids.js';
import type { Instrument, PriceBand } from './instruments.js';
import {
  orderShapeProblems,
  type ShapeProblem,
  OrderStatus,
  OrderType,
  RejectReason,
  SelfTradePrevention,
  Side,
  TimeInForce,
} from './orders.js';
import { err, ok, type Result } from './result.js';

/** Machine-readable codes of every HTTP error body. */
export const ApiErrorCode = z.enum([
  'validation_failed',
  'malformed_json',
  'payload_too_large',
  'unsupported_media_type',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'unknown_symbol',
  'idempotency_conflict',
  'duplicate_client_order_id',
  'order_not_open',
  'trading_halted',
  'market_closed',
  'auction_call',
  'day_not_closed_early',
  'account_suspended',
  'insufficient_funds',
  'insufficient_shares',
  'too_many_alerts',
  'invalid_credentials',
  'password_incorrect',
  'email_taken',
  'csrf_failed',
  'read_only_key',
  'rate_limited',
  'internal_error',
  'unavailable',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const FieldError = z.object({
  field: z.string(),
  /** Stable, for programs to act on; the message is for people and may change. */
  code: z
    .string()
    .describe(
      'why the field is refused: a decimal that is not_a_string, empty, malformed, exponent, negative, zero, ' +
        'too_precise or too_large; off_tick, off_lot, price_out_of_band; required or not_allowed for the order ' +
        'type; on an amend quantity_below_filled, stop_triggered, not_a_stop_order, no_limit_price, ' +
        'not_a_trailing_stop, unchanged (asks for what the order already has); insufficient_funds or insufficient_shares on the field that asks for more; ' +
        'quantity_over_limit (more shares than the instrument takes in one order); ' +
        'market_buy_needs_price_band; duplicate (a clientOrderId an open order has); too_many_keys; incorrect ' +
        '(a current password); invalid (a query parameter); on expiresOn past (a trading day already closed), ' +
        'not_a_trading_day or too_far (over a year ahead); not_a_session (a logout with an API key); ' +
        "otherwise zod's issue code (invalid_type, " +
        'too_small, too_big, invalid_format, unrecognized_keys, custom, …)',
    ),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldError>;

/** The one shape of every error the API returns. */
export const ApiErrorBody = z.object({
  code: ApiErrorCode,
  message: z.string(),
  details: z.object({ fields: z.array(FieldError).optional() }).catchall(z.unknown()),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** `POST /api/orders`: decimal strings for price and quantity, as a person or a spreadsheet writes them. */
export const PlaceOrderRequest = z.strictObject({
  symbol: InstrumentSymbol,
  side: Side,
  type: OrderType,
  timeInForce: TimeInForce.optional(),
  /** GTD only: the trading day (`YYYY-MM-DD`, the exchange's local date) the order is good till. */
  expiresOn: z.iso.date().optional(),
  price: z.string().optional(),
  stopPrice: z.string().optional(),
  trailingOffset: z.string().optional(),
  quantity: z.string(),
  postOnly: z.boolean().optional(),
  selfTradePrevention: SelfTradePrevention.optional(),
  clientOrderId: ClientOrderId.optional(),
});
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

/** `PATCH /api/orders/:id`: a new price, total quantity, stop price or trailing distance, or several. */
export const AmendOrderRequest = z
  .strictObject({
    price: z.string().optional(),
    quantity: z.string().optional(),
    stopPrice: z.string().optional(),
    trailingOffset: z.string().optional(),
    /** A GTD order's new last trading day: alone, the order keeps its place in the book and its hold. */
    expiresOn: z.iso.date().optional(),
  })
  .refine(
    (body) =>
      body.price !== undefined ||
      body.quantity !== undefined ||
      body.stopPrice !== undefined ||
      body.trailingOffset !== undefined ||
      body.expiresOn !== undefined,
    {
      // The whole body is at fault (field `body`): no one field is missing more than the others.
      error: 'must set at least one of price, quantity, stopPrice, trailingOffset or expiresOn',
    },
  );
export type AmendOrderRequest = z.infer<typeof AmendOrderRequest>;

/** The fields of a new order in integer units, ready to become a `place_order` command. */
export interface OrderFields {
  readonly side: Side;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  /** GTD: the day it is good till; null otherwise. */
  readonly expiresOn: string | null;
  readonly price: number | null;
  readonly stopPrice: number | null;
  readonly trailingOffset: number | null;
  readonly quantity: number;
  readonly postOnly: boolean;
  readonly selfTradePrevention: SelfTradePrevention;
  readonly clientOrderId: string | null;
}

function defaultTimeInForce(type: OrderType): TimeInForce {
  return type === 'market' ? 'IOC' : 'GTC';
}

type PriceField = 'price' | 'stopPrice';

/** Why a price outside the instrument's band is refused, in the decimals the trader typed; null inside it. */
export function outOfBand(price: number, band: PriceBand | null): string | null {
  if (band === null || (price >= band.min && price <= band.max)) return null;
  return `must be within the price band ${formatCents(band.min)} to ${formatCents(band.max)}`;
}

/** Why a quantity above the instrument's most shares per order is refused (`quantity_over_limit`); null within it. */
export function overOrderLimit(quantity: number, instrument: Instrument): string | null {
  const most = instrument.maxOrderQuantity;
  if (most === undefined || quantity <= most) return null;
  return `must be at most ${formatQuantity(most)} shares per order in ${instrument.symbol}`;
}

/**
 * Converts a validated request body into integer order fields for one instrument, collecting every field at
 * fault (tick, lot, band, order-type rules) rather than stopping at the first.
 */
export function toOrderFields(request: PlaceOrderRequest, instrument: Instrument): Result<OrderFields, FieldError[]> {
  const errors: FieldError[] = [];
  const fieldError = (
    field: string,
    code: DecimalErrorCode | ShapeProblem['code'] | 'price_out_of_band' | 'quantity_over_limit',
    message: string,
  ) => errors.push({ field, code, message: `${field} ${message}` });

  const priced = (field: PriceField): number | null => {
    const text = request[field];
    if (text === undefined) return null;
    const parsed = parsePrice(text, instrument.tickSize);
    if (!parsed.ok) {
      fieldError(field, parsed.error.code, parsed.error.message);
      return null;
    }
    const outside = outOfBand(parsed.value, instrument.priceBand);
    if (outside !== null) fieldError(field, 'price_out_of_band', outside);
    return parsed.value;
  };
  const price = priced('price');
  const stopPrice = priced('stopPrice');

  let trailingOffset: number | null = null;
  if (request.trailingOffset !== undefined) {
    const parsed = parsePrice(request.trailingOffset, instrument.tickSize);
    if (parsed.ok) trailingOffset = parsed.value;
    else fieldError('trailingOffset', parsed.error.code, parsed.error.message);
  }

  const quantity = parseQuantity(request.quantity, instrument.lotSize);
  if (!quantity.ok) fieldError('quantity', quantity.error.code, quantity.error.message);
  const overLimit = quantity.ok ? overOrderLimit(quantity.value, instrument) : null;
  if (overLimit !== null) fieldError('quantity', 'quantity_over_limit', overLimit);

  const timeInForce = request.timeInForce ?? defaultTimeInForce(request.type);
  const postOnly = request.postOnly ?? false;
  const shapeProblems = orderShapeProblems({
    orderType: request.type,
    timeInForce,
    hasPrice: request.price !== undefined,
    hasStopPrice: request.stopPrice !== undefined,
    hasTrailingOffset: request.trailingOffset !== undefined,
    hasExpiresOn: request.expiresOn !== undefined,
    postOnly,
  });
  for (const problem of shapeProblems) fieldError(problem.field, problem.code, problem.message);

  if (errors.length > 0 || !quantity.ok) return err(errors);
  return ok({
    side: request.side,
    orderType: request.type,
    timeInForce,
    expiresOn: request.expiresOn ?? null,
    price,
    stopPrice,
    trailingOffset,
    quantity: quantity.value,
    postOnly,
    selfTradePrevention: request.selfTradePrevention ?? 'cancel_newest',
    clientOrderId: request.clientOrderId ?? null,
  });
}

/** `GET /api/instruments`: an instrument as a client sees it, prices as decimal strings. */
export const InstrumentView = z.object({
  symbol: InstrumentSymbol,
  name: z.string(),
  currency: z.literal('BRL'),
  tickSize: z.string(),
  lotSize: z.string(),
  priceBand: z.object({ min: z.string(), max: z.string() }).nullable(),
  /** What granted shares are valued at; null when the exchange sets none. */
  referencePrice: z.string().nullable(),
  /**
   * Its volatility auctions: how far from the reference price (in percent, as a decimal string) an order may trade
   * before the instrument goes into a call auction, and for how many seconds; null when it has none. Absent from
   * older servers.
   */
  volatilityAuction: z.object({ tunnelPercent: z.string(), seconds: z.int().positive() }).nullable().optional(),
  /** The most shares one order may ask for; null when only the 32-bit limit holds. Absent from older servers. */
  maxOrderQuantity: z.string().nullable().optional(),
});
export type InstrumentView = z.infer<typeof InstrumentView>;

export function toInstrumentView(instrument: Instrument): InstrumentView {
  const reference = instrument.referencePrice ?? null;
  const tunnel = instrument.volatilityAuction ?? null;
  return {
    symbol: instrument.symbol,
    name: instrument.name,
    currency: instrument.currency,
    tickSize: formatCents(instrument.tickSize),
    lotSize: formatQuantity(instrument.lotSize),
    priceBand:
      instrument.priceBand === null
        ? null
        : { min: formatCents(instrument.priceBand.min), max: formatCents(instrument.priceBand.max) },
    referencePrice: reference === null ? null : formatCents(reference),
    volatilityAuction:
      tunnel === null
        ? null
        : // Basis points are hundredths of a percent: the cents' formatting says them.
          { tunnelPercent: formatCents(tunnel.tunnelBps), seconds: tunnel.seconds },
    maxOrderQuantity: instrument.maxOrderQuantity === undefined ? null : formatQuantity(instrument.maxOrderQuantity),
  };
}

/** An order as its owner sees it; prices and quantities as decimal strings. */
export const OrderView = z.object({
  orderId: z.uuid(),
  accountId: z.uuid(),
  clientOrderId: z.string().nullable(),
  symbol: InstrumentSymbol,
  side: Side,
  type: OrderType,
  timeInForce: TimeInForce,
  /** A GTD order's last trading day (`YYYY-MM-DD`): it expires at that day's close; null for other orders. */
  expiresOn: z.iso.date().nullable(),
  price: z.string().nullable(),
  /** A stop order's trigger price; a trailing stop's moves with the market. */
  stopPrice: z.string().nullable(),
  /** A trailing stop's distance from the best trade price since it was placed; null for other orders. */
  trailingOffset: z.string().nullable(),
  /** A market or stop-market order's protection price: it trades no further; null for limit orders. */
  protectionPrice: z.string().nullable(),
  quantity: z.string(),
  filledQuantity: z.string(),
  /** What the fills are worth: the sum of price × quantity over them, exact. */
  filledValue: z.string(),
  /** filledValue over filledQuantity, to the nearest cent (half a cent up); null before the first fill. */
  averagePrice: z.string().nullable(),
  status: OrderStatus,
  statusReason: z.string().nullable(),
  /** An amend is on its way to the exchange, not answered yet: the terms shown may still change. */
  amendPending: z.boolean(),
  /** When a stop order's stop fired: from then on it is a limit or market order, its stop no longer amendable. */
  triggeredAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type OrderView = z.infer<typeof OrderView>;

/** `GET /api/markets/:symbol/book?depth=N`: price levels, best first. */
export const BookLevelView = z.object({ price: z.string(), quantity: z.string(), orderCount: z.int().positive() });
export const BookView = z.object({
  symbol: InstrumentSymbol,
  bids: z.array(BookLevelView),
  asks: z.array(BookLevelView),
  /** Engine sequence the book reflects: a stream's deltas above it apply on top. */
  sequence: z.int().nonnegative(),
  /**
   * A crossed book (a call auction's): the price it would uncross at now, the quantity that would trade there, and
   * what would be left over (`imbalance`: buyers' shares when positive, sellers' when negative), counting every level
   * that crosses whatever the depth asked; null when the book does not cross.
   */
  uncross: z.object({ price: z.string(), quantity: z.string(), imbalance: z.string() }).nullable(),
});
export type BookView = z.infer<typeof BookView>;

/** `GET /api/markets/:symbol/trades`, newest first. */
export const TradeView = z.object({
  tradeId: z.string(),
  symbol: InstrumentSymbol,
  price: z.string(),
  quantity: z.string(),
  aggressorSide: Side,
  executedAt: z.iso.datetime(),
  sequence: z.int().positive(),
  /**
   * A call auction's uncross printed it (the opening, the closing call, a reopening), at the auction's one price:
   * nobody took a price, so it has no aggressor to show. Absent from older servers.
   */
  auction: z.boolean().optional(),
});
export type TradeView = z.infer<typeof TradeView>;

export const CandleInterval = z.enum(['1m', '5m', '1h']);
export type CandleInterval = z.infer<typeof CandleInterval>;

/** `GET /api/markets/:symbol/candles?interval=1m|5m|1h`, oldest first. */
export const CandleView = z.object({
  openTime: z.iso.datetime(),
  open: z.string(),
  high: z.string(),
  low: z.string(),
  close: z.string(),
  volume: z.string(),
  trades: z.int().nonnegative(),
});
export type CandleView = z.infer<typeof CandleView>;
/**
 * A header of the candles' answer: the engine sequence of the symbol's last trade they count (0 before its first), so
 * that a chart that keeps its last candle up to date from live trades adds only those after it (`TradeView.sequence`).
 */
export const LAST_TRADE_SEQUENCE_HEADER = 'x-last-trade-sequence';

/**
 * `GET /api/markets/:symbol/ticker`: the last price, and the trading session since the last close (the last 24 hours
 * while no day has been closed), in whole minutes. The change is against the previous close: the last price before
 * the session, or the instrument's reference price before its first trade.
 */
export const TickerView = z.object({
  symbol: InstrumentSymbol,
  last: z.string().nullable(),
  /** The last price before the session began, or the reference price; null when there is neither. */
  previousClose: z.string().nullable(),
  open: z.string().nullable(),
  change: z.string().nullable(),
  changePercent: z.string().nullable(),
  high: z.string().nullable(),
  low: z.string().nullable(),
  volume: z.string(),
  trades: z.int().nonnegative(),
  /** Trading suspended by an administrator: new orders and amends are refused until it resumes. */
  halted: z.boolean(),
  /** Why it is halted, as the administrator said; null when it is not (or it has none). Absent from older servers. */
  haltReason: z.string().nullable().optional(),
  /**
   * The instrument's own call auction (its reopening after a halt, or a volatility auction) ends then: orders rest
   * without trading until it uncrosses, and market, IOC, FOK and post-only ones are refused; null otherwise. Absent
   * from older servers.
   */
  reopensAt: z.iso.datetime().nullable().optional(),
  /** Which of its own call auctions that is; null outside one. Absent from older servers (a reopening, then). */
  callAuction: z.enum(['reopening', 'volatility']).nullable().optional(),
});
export type TickerView = z.infer<typeof TickerView>;

/**
 * SSE `session` event of `/api/stream/tickers`: a trading day was closed (or a close undone), so whether the
 * exchange is open, and its next close, may have changed: read `GET /api/calendar` again. `tradingDay` null: the API
 * may have missed such a change (it lost its database connection meanwhile).
 */
export const SessionChangeView = z.object({ tradingDay: z.iso.date().nullable() });
export type SessionChangeView = z.infer<typeof SessionChangeView>;

/** The days of the week, as the calendar names them, Sunday first (as `Date.getUTCDay()` numbers them). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

/** A close of a trading day: the local date it closed, and the instant its DAY orders expired (or will). */
export const TradingDayClose = z.object({ tradingDay: z.iso.date(), at: z.iso.datetime() });
export type TradingDayClose = z.infer<typeof TradingDayClose>;

/**
 * The call auctions that refuse orders which could only take at once or only make (`409 auction_call`,
 * `details.auction`, with `details.endsAt`): the pre-opening, the closing call, an instrument's reopening after
 * a halt, and an instrument's volatility auction (an order would have traded beyond its tunnel).
 */
export const AuctionKind = z.enum(['opening', 'closing', 'reopening', 'volatility']);
export type AuctionKind = z.infer<typeof AuctionKind>;

/**
 * `GET /api/calendar`: the exchange's trading hours, whether it is open now, when its trading days close (DAY orders
 * expire then), the last close (where the tickers' session begins) and the next the exchange's clock will make.
 */
export const TradingCalendarView = z.object({
  timeZone: z.string(),
  /**
   * Local opening time (`HH:MM`): new orders and amends are taken from it until the close, on trading days only;
   * null when they are taken at any hour.
   */
  opensAt: z.string().nullable(),
  /** Local closing time (`HH:MM`); null when days close only when an administrator closes them. */
  closesAt: z.string().nullable(),
  /** Whether new orders and amends are taken now (cancels always are), in the pre-opening call auction too. */
  open: z.boolean(),
  /**
   * How many minutes before each opening the pre-opening call auction takes orders (0: none). Orders recorded in it
   * rest without trading until the opening, when everything that crosses trades at one price; market, IOC, FOK and
   * post-only orders are refused then (`409 auction_call`, `details.auction` and `details.endsAt`).
   */
  auctionMinutes: z.int().nonnegative(),
  /** How many minutes before each close the closing call auction runs, as the pre-opening does (0: none). */
  closingCallMinutes: z.int().nonnegative(),
  /**
   * How many seconds of reopening call auction an instrument resumed after a halt has, in continuous trading (0: it
   * trades at once); each ticker says when its own ends (`reopensAt`).
   */
  reopeningSeconds: z.int().nonnegative(),
  /** The call auction in progress: the pre-opening (`opening`) or the closing call (`closing`); null otherwise. */
  auction: z.enum(['opening', 'closing']).nullable(),
  /** During a call auction, when it ends (the opening, or the close); null otherwise. */
  auctionEndsAt: z.iso.datetime().nullable(),
  /**
   * Today, a trading day, was closed by an administrator before its closing time, which has not come (before its
   * opening, too): an administrator may reopen it (`POST /api/admin/end-of-day/reopening`). False without trading
   * hours.
   */
  closedEarly: z.boolean(),
  /** While closed, when it opens next (its pre-opening, if it has one); null while open, or with no opening time. */
  nextOpen: z.iso.datetime().nullable(),
  /** The days of the week it trades: `mon` … `sun`. */
  weekdays: z.array(Weekday),
  /** Dates of the coming year (from today) it does not trade on although their weekday is a trading one. */
  holidays: z.array(z.iso.date()),
  /** Trading days of the coming year it opens later than `opensAt` on, and when (`HH:MM`); empty without `opensAt`. */
  lateOpenings: z.array(z.object({ day: z.iso.date(), opensAt: z.string() })),
  lastClose: TradingDayClose.nullable(),
  /** Null when days close only when an administrator closes them. */
  nextClose: TradingDayClose.nullable(),
});
export type TradingCalendarView = z.infer<typeof TradingCalendarView>;

/**
 * Why an administrator acts on an account or an instrument, in words its owner (or every trader, for a halt) and the
 * administrators' log will read.
 */
export const AdminReason = z
  .string()
  .trim()
  .min(3, { error: 'must say why, in at least 3 characters' })
  .max(500, { error: 'must be at most 500 characters' });

/** `POST /api/admin/markets/:symbol/halt` and `POST /api/admin/markets/halt`: why (every trader is shown it). */
export const HaltTradingRequest = z.strictObject({ reason: AdminReason });
export type HaltTradingRequest = z.infer<typeof HaltTradingRequest>;

/** `POST /api/admin/markets/:symbol/halt` and `…/resume`: whether trading is suspended, since when, and why. */
export const TradingStatusView = z.object({
  symbol: InstrumentSymbol,
  halted: z.boolean(),
  since: z.iso.datetime().nullable(),
  /** The halt's reason, as the administrator gave it; null when not halted (or halted before reasons were kept). */
  reason: z.string().nullable(),
  /** Resumed into a reopening call auction (`MARKET_REOPENING_SECONDS`): when it ends; null otherwise. */
  reopensAt: z.iso.datetime().nullable(),
});
export type TradingStatusView = z.infer<typeof TradingStatusView>;

/** SSE `level` event: one price level's new totals (quantity "0" when the level is gone). */
export const LevelDeltaView = z.object({
  symbol: InstrumentSymbol,
  side: Side,
  price: z.string(),
  quantity: z.string(),
  orderCount: z.int().nonnegative(),
  sequence: z.int().positive(),
});
export type LevelDeltaView = z.infer<typeof LevelDeltaView>;

/** SSE `fill` event on a trader's own stream: a trade one of their orders took part in. */
export const FillView = TradeView.extend({ orderId: z.uuid(), side: Side, role: z.enum(['maker', 'taker']) });
export type FillView = z.infer<typeof FillView>;

/** SSE `stop` event on a trader's own stream: a stop order of theirs fired and entered the book. */
export const StopTriggeredView = z.object({
  orderId: z.uuid(),
  symbol: InstrumentSymbol,
  sequence: z.int().positive(),
  stopPrice: z.string(),
  /** The trade that fired it. */
  lastTradePrice: z.string(),
});
export type StopTriggeredView = z.infer<typeof StopTriggeredView>;

/**
 * SSE `amend_rejected` event on a trader's own stream: the engine refused an amend of one of their orders (the order
 * filled or went meanwhile, a stop fired while the amend was on its way, it would fall below what has filled), so
 * the order stays as it was.
 */
export const AmendRejectedView = z.object({
  orderId: z.uuid(),
  symbol: InstrumentSymbol,
  sequence: z.int().positive(),
  reason: RejectReason,
  message: z.string(),
});
export type AmendRejectedView = z.infer<typeof AmendRejectedView>;

/** SSE `order` event on a trader's own stream: what one engine event did to one of their orders. */
export const OrderEventView = z.object({
  change: z.enum([
    'order_accepted',
    'order_rejected',
    'order_updated',
    'order_filled',
    'order_cancelled',
    'order_expired',
  ]),
  orderId: z.uuid(),
  symbol: InstrumentSymbol,
  sequence: z.int().positive(),
  status: OrderStatus,
  /** Totals after the event, when the event carries them. */
  quantity: z.string().nullable(),
  filledQuantity: z.string().nullable(),
  price: z.string().nullable(),
  /** Why it was rejected, cancelled or expired. */
  reason: z.string().nullable(),
});
export type OrderEventView = z.infer<typeof OrderEventView>;
