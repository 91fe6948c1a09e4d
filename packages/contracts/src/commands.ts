import { z } from 'zod';
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
import {
  CancelRequestReason,
  orderShapeProblems,
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
} from './orders.js';

/** Bumped when a message changes shape; consumers refuse versions they do not know. */
export const SCHEMA_VERSION = 1;

const commandEnvelope = {
  schemaVersion: z.literal(SCHEMA_VERSION),
  commandId: CommandId,
  symbol: InstrumentSymbol,
  traceId: TraceId,
  timestamp: Timestamp,
};

const orderCommandEnvelope = {
  ...commandEnvelope,
  accountId: AccountId,
  clientOrderId: ClientOrderId.nullable(),
  orderId: OrderId,
};

export const PlaceOrderCommand = z
  .object({
    ...orderCommandEnvelope,
    type: z.literal('place_order'),
    /**
     * When this copy was published, by the sender's clock (`timestamp` is when the order was recorded, the same on
     * every copy). Absent: sent when recorded. A book refuses a first placement sent too long after its recording.
     */
    sentAt: Timestamp.optional(),
    side: Side,
    orderType: OrderType,
    timeInForce: TimeInForce,
    /** Limit price in cents (limit and stop-limit). */
    price: Cents.nullable(),
    /** Trigger price in cents (stop orders). */
    stopPrice: Cents.nullable(),
    /** A trailing stop's distance from the best trade price since entry, in cents. */
    trailingOffset: Cents.nullable(),
    /**
     * Market and stop-market orders: the furthest price they may trade at, in cents; the remainder is cancelled
     * there. Absent or null: the price band's edge.
     */
    protectionPrice: Cents.nullable().optional(),
    quantity: Quantity,
    postOnly: z.boolean(),
    selfTradePrevention: SelfTradePrevention,
    /** GTD: the local trading day (`YYYY-MM-DD`) the order is good till; it expires at that day's close. */
    expiresOn: z.iso.date().optional(),
    /**
     * Recorded during a call auction (the pre-opening) that ends at this instant: the book holds it without trading
     * until then (see `OpenTradingCommand`). Absent: recorded while the exchange trades continuously.
     */
    auctionEndsAt: Timestamp.optional(),
  })
  .superRefine((command, ctx) => {
    const problems = orderShapeProblems({
      hasExpiresOn: command.expiresOn !== undefined,
      orderType: command.orderType,
      timeInForce: command.timeInForce,
      hasPrice: command.price !== null,
      hasStopPrice: command.stopPrice !== null,
      hasTrailingOffset: command.trailingOffset !== null,
      hasProtectionPrice: (command.protectionPrice ?? null) !== null,
      postOnly: command.postOnly,
    });
    for (const problem of problems) ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
  });
export type PlaceOrderCommand = z.infer<typeof PlaceOrderCommand>;

export const CancelOrderCommand = z.object({
  ...orderCommandEnvelope,
  type: z.literal('cancel_order'),
  /** The cancelled event's reason; absent (as in older commands) means `requested`. */
  reason: CancelRequestReason.optional(),
});
export type CancelOrderCommand = z.infer<typeof CancelOrderCommand>;

/**
 * Changes a live order. `quantity` is the new total quantity (filled included), as in FIX; lowering it keeps
 * time priority, raising it or changing the price sends the order to the back of its level. `stopPrice` moves
 * the trigger of a stop order still waiting for it (a stop-market's `price`, its protection, moves only with it).
 */
export const AmendOrderCommand = z
  .object({
    ...orderCommandEnvelope,
    type: z.literal('amend_order'),
    price: Cents.nullable(),
    quantity: Quantity.nullable(),
    /** Absent on commands from before stops could be moved. */
    stopPrice: Cents.nullable().optional(),
    /** A trailing stop's new distance; absent on commands from before it could be changed. */
    trailingOffset: Cents.nullable().optional(),
    /** Absent on amends from before they were numbered: those are applied whenever they come. */
    amendNumber: AmendNumber.optional(),
    /**
     * Withdraws amend `amendNumber` if the book has not had it yet: the book refuses it (`stale_command`) and any
     * copy of it still on its way. Sent when an amend's answer is overdue, so that it is settled one way or the
     * other. Carries no terms.
     */
    withdraw: z.literal(true).optional(),
    /** Recorded during a call auction ending at this instant, as a placement's `auctionEndsAt`. */
    auctionEndsAt: Timestamp.optional(),
    /**
     * A GTD order's new last trading day (`YYYY-MM-DD`): it expires at that day's close instead. Only GTD orders
     * have one (others are refused `not_amendable`); alone it changes neither the order's place nor its hold.
     */
    expiresOn: z.iso.date().optional(),
  })
  .refine(
    (command) =>
      command.withdraw === true ||
      command.price !== null ||
      command.quantity !== null ||
      (command.stopPrice ?? null) !== null ||
      (command.trailingOffset ?? null) !== null ||
      command.expiresOn !== undefined,
    {
      error: 'an amend changes the price, the quantity, the stop price, the trailing distance, the last day or several',
      path: ['quantity'],
    },
  )
  .refine((command) => command.withdraw !== true || command.amendNumber !== undefined, {
    error: 'a withdrawal names the amend it withdraws',
    path: ['amendNumber'],
  });
export type AmendOrderCommand = z.infer<typeof AmendOrderCommand>;

/** Closes the trading day for one symbol: its DAY orders expire. Sent by the exchange, not by traders. */
export const EndOfDayCommand = z.object({
  ...commandEnvelope,
  type: z.literal('end_of_day'),
  /**
   * The closing instant: DAY orders recorded after it belong to the next day and stay (a close sent late, after
   * trading went on). Absent: every DAY order expires.
   */
  closedAt: Timestamp.optional(),
  /** The trading day closed (`YYYY-MM-DD`, the exchange's local date): GTD orders good till it, or before, expire. */
  tradingDay: z.iso.date().optional(),
  /**
   * The close also ends trading until the next opening (an exchange with trading hours): placements and amends
   * recorded until the close that reach the book after it are rejected (`market_closed`) rather than trade at night.
   */
  endsTrading: z.boolean().optional(),
  /**
   * The close comes early, after the opening (an administrator's, in continuous trading or the closing call): a call
   * auction the book is in (the closing call, a reopening) uncrosses at the close before the DAY orders expire. Without
   * it, one not yet due is cut short and waits, crossed, for the next opening (a close before the day opened).
   */
  endsAuction: z.boolean().optional(),
});
export type EndOfDayCommand = z.infer<typeof EndOfDayCommand>;

/**
 * Suspends trading in one symbol: until `resume_trading`, the book refuses new orders and amends
 * (`trading_halted`), takes cancels, and its resting orders wait. Sent by the exchange, not by traders.
 */
export const HaltTradingCommand = z.object({
  ...commandEnvelope,
  type: z.literal('halt_trading'),
});
export type HaltTradingCommand = z.infer<typeof HaltTradingCommand>;

/**
 * Ends a halt. With `auctionEndsAt`, trading resumes in a reopening call auction ending then: the book takes orders
 * that can rest without trading, as in the pre-opening, until `open_trading` (or the first command recorded at or
 * after that instant) uncrosses it. A book halted in an auction stays in it: this extends it to `auctionEndsAt`.
 */
export const ResumeTradingCommand = z.object({
  ...commandEnvelope,
  type: z.literal('resume_trading'),
  auctionEndsAt: Timestamp.optional(),
});
export type ResumeTradingCommand = z.infer<typeof ResumeTradingCommand>;

/**
 * Ends the pre-opening call auction of `tradingDay` at `opensAt`: the book trades what crosses at one price, then
 * continuously. A book holds orders recorded in the auction (their `auctionEndsAt`) without trading until this
 * command, or until any command recorded at or after `opensAt` reaches it, whichever comes first; a copy, one for an
 * auction now ending later (a reopening extended by another halt), or one for a day already closed changes nothing
 * (unless orders joined an auction ending by then after that close: the day was reopened). A halted book uncrosses when it resumes. Also ends a reopening call (see `resume_trading`). Sent by the
 * exchange.
 */
export const OpenTradingCommand = z.object({
  ...commandEnvelope,
  type: z.literal('open_trading'),
  tradingDay: z.iso.date(),
  opensAt: Timestamp,
});
export type OpenTradingCommand = z.infer<typeof OpenTradingCommand>;

/**
 * An administrator reopened `tradingDay` after closing it before its closing time. A call auction that close cut short
 * is the day's again: with `auctionEndsAt` (reopened before the opening) it ends then, by the day's `open_trading` or
 * the first command recorded from then on; without it (reopened after the opening) the book uncrosses at once. What
 * was recorded before the close stays refused. Sent by the exchange.
 */
export const ReopenDayCommand = z.object({
  ...commandEnvelope,
  type: z.literal('reopen_day'),
  tradingDay: z.iso.date(),
  auctionEndsAt: Timestamp.optional(),
});
export type ReopenDayCommand = z.infer<typeof ReopenDayCommand>;

/** The exchange's own commands to a whole book: they name no order and cause no rejection. */
export type MarketCommand =
  EndOfDayCommand | HaltTradingCommand | ResumeTradingCommand | OpenTradingCommand | ReopenDayCommand;

export const OrderCommand = z.discriminatedUnion('type', [
  PlaceOrderCommand,
  CancelOrderCommand,
  AmendOrderCommand,
  EndOfDayCommand,
  HaltTradingCommand,
  ResumeTradingCommand,
  OpenTradingCommand,
  ReopenDayCommand,
]);
export type OrderCommand = z.infer<typeof OrderCommand>;
export type OrderCommandType = OrderCommand['type'];

/** Whether a command names an order (a placement, cancel or amend) rather than a whole book. */
export function namesAnOrder(command: OrderCommand): command is Exclude<OrderCommand, MarketCommand> {
  return command.type === 'place_order' || command.type === 'cancel_order' || command.type === 'amend_order';
}
