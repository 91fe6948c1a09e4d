import { z } from 'zod';
import { SCHEMA_VERSION } from './commands.js';
import {
  AccountId,
  AmendNumber,
  Cents,
  ClientOrderId,
  CommandId,
  InstrumentSymbol,
  OrderId,
  Quantity,
  Timestamp,
  TraceId,
} from './ids.js';
import { CancelReason, OrderType, RejectReason, SelfTradePrevention, Side, TimeInForce } from './orders.js';

const NonNegativeQuantity = z.int().nonnegative();

/**
 * Every engine event names the command that caused it and carries a per-symbol sequence number that starts at 1
 * and has no gaps, so a consumer can tell a redelivery (sequence already seen) from a loss (a gap). The
 * timestamp is the causing command's: the engine has no clock of its own.
 */
const eventEnvelope = {
  schemaVersion: z.literal(SCHEMA_VERSION),
  symbol: InstrumentSymbol,
  sequence: z.int().positive(),
  commandId: CommandId,
  traceId: TraceId,
  timestamp: Timestamp,
};

export const OrderAcceptedEvent = z.object({
  ...eventEnvelope,
  type: z.literal('order_accepted'),
  orderId: OrderId,
  accountId: AccountId,
  clientOrderId: ClientOrderId.nullable(),
  side: Side,
  orderType: OrderType,
  timeInForce: TimeInForce,
  price: Cents.nullable(),
  stopPrice: Cents.nullable(),
  trailingOffset: Cents.nullable(),
  /** A market or stop-market order's protection price; absent or null when it has none. */
  protectionPrice: Cents.nullable().optional(),
  quantity: Quantity,
  postOnly: z.boolean(),
  selfTradePrevention: SelfTradePrevention,
});
export type OrderAcceptedEvent = z.infer<typeof OrderAcceptedEvent>;

export const OrderRejectedEvent = z.object({
  ...eventEnvelope,
  type: z.literal('order_rejected'),
  /** The order the command named: the new order for a place, the target for a cancel or amend. */
  orderId: OrderId,
  accountId: AccountId,
  clientOrderId: ClientOrderId.nullable(),
  commandType: z.enum(['place_order', 'cancel_order', 'amend_order']),
  reason: RejectReason,
  message: z.string(),
  /** A refused numbered amend's number (or a withdrawn one's): the answer to it. */
  amendNumber: AmendNumber.optional(),
});
export type OrderRejectedEvent = z.infer<typeof OrderRejectedEvent>;

export const TradeEvent = z.object({
  ...eventEnvelope,
  type: z.literal('trade'),
  /** `<symbol>-<trade number>`: unique, and stable across replays. */
  tradeId: z.string().regex(/^[A-Z][A-Z0-9]{1,11}-\d+$/),
  price: Cents,
  quantity: Quantity,
  aggressorSide: Side,
  makerOrderId: OrderId,
  makerAccountId: AccountId,
  takerOrderId: OrderId,
  takerAccountId: AccountId,
  /**
   * A trade of a call auction's uncross (the pre-opening, the closing call, a reopening), at the auction's one
   * price, rather than of continuous matching: nobody took anybody's price, and `aggressorSide` is only the side left
   * over (which still pays the taker's fee). Absent (false) in events of older engines.
   */
  auction: z.boolean().default(false),
});
export type TradeEvent = z.infer<typeof TradeEvent>;

const orderProgress = {
  orderId: OrderId,
  accountId: AccountId,
  filledQuantity: NonNegativeQuantity,
};

/**
 * A live order changed: it partly filled, was amended, its trailing stop moved, or self-trade prevention
 * decremented it (`quantity` is then the new, smaller total).
 */
export const OrderUpdatedEvent = z.object({
  ...eventEnvelope,
  ...orderProgress,
  type: z.literal('order_updated'),
  change: z.enum(['partially_filled', 'amended', 'stop_moved', 'decremented']),
  price: Cents.nullable(),
  stopPrice: Cents.nullable(),
  /** A stop-market order's protection price after the change (it moves when its stop is amended); absent before. */
  protectionPrice: Cents.nullable().optional(),
  /** A trailing stop's distance while it waits (it can be amended); absent before. */
  trailingOffset: Cents.nullable().optional(),
  quantity: Quantity,
  remainingQuantity: NonNegativeQuantity,
  /** With `amended`: the number of the amend taken, if it had one. */
  amendNumber: AmendNumber.optional(),
  /** With `amended`: a GTD order's new last trading day, when the amend moved it. */
  expiresOn: z.iso.date().optional(),
});
export type OrderUpdatedEvent = z.infer<typeof OrderUpdatedEvent>;
export type OrderChange = OrderUpdatedEvent['change'];

export const OrderFilledEvent = z.object({
  ...eventEnvelope,
  ...orderProgress,
  type: z.literal('order_filled'),
});
export type OrderFilledEvent = z.infer<typeof OrderFilledEvent>;

export const OrderCancelledEvent = z.object({
  ...eventEnvelope,
  ...orderProgress,
  type: z.literal('order_cancelled'),
  reason: CancelReason,
  cancelledQuantity: Quantity,
});
export type OrderCancelledEvent = z.infer<typeof OrderCancelledEvent>;

export const OrderExpiredEvent = z.object({
  ...eventEnvelope,
  ...orderProgress,
  type: z.literal('order_expired'),
  expiredQuantity: Quantity,
});
export type OrderExpiredEvent = z.infer<typeof OrderExpiredEvent>;

export const StopTriggeredEvent = z.object({
  ...eventEnvelope,
  type: z.literal('stop_triggered'),
  orderId: OrderId,
  accountId: AccountId,
  stopPrice: Cents,
  lastTradePrice: Cents,
});
export type StopTriggeredEvent = z.infer<typeof StopTriggeredEvent>;

/** Market data as deltas: the new total of one price level (0 when the level is gone). */
export const LevelChangedEvent = z.object({
  ...eventEnvelope,
  type: z.literal('level_changed'),
  side: Side,
  price: Cents,
  quantity: NonNegativeQuantity,
  orderCount: z.int().nonnegative(),
});
export type LevelChangedEvent = z.infer<typeof LevelChangedEvent>;

/**
 * An order would have traded beyond the instrument's volatility tunnel (`volatilityAuction.tunnelBps` around
 * `referencePrice`, the last call auction's or close's price): it stopped at the tunnel, and the book is in a call
 * auction until `endsAt` (its command's time plus `volatilityAuction.seconds`): orders rest without trading, market,
 * IOC, FOK and post-only ones are refused, and at the end what crosses trades at one price (B3's "leilão por
 * oscilação").
 */
export const VolatilityAuctionEvent = z.object({
  ...eventEnvelope,
  type: z.literal('volatility_auction'),
  referencePrice: Cents,
  /** The price the order would have traded at. */
  price: Cents,
  endsAt: Timestamp,
});
export type VolatilityAuctionEvent = z.infer<typeof VolatilityAuctionEvent>;

export const EngineEvent = z.discriminatedUnion('type', [
  OrderAcceptedEvent,
  OrderRejectedEvent,
  TradeEvent,
  OrderUpdatedEvent,
  OrderFilledEvent,
  OrderCancelledEvent,
  OrderExpiredEvent,
  StopTriggeredEvent,
  LevelChangedEvent,
  VolatilityAuctionEvent,
]);
export type EngineEvent = z.infer<typeof EngineEvent>;
export type EngineEventType = EngineEvent['type'];
