import { z } from 'zod';
import { CancelReason, RejectReason } from './orders.js';

/**
 * Where a step stands in the order's life: the engine's sequence number for the order's symbol (the order the
 * exchange did things in), and when. `received`, the API's own step, comes before every engine event: sequence 0.
 */
const step = { sequence: z.int().nonnegative(), at: z.iso.datetime() };
const money = z.string();

/** `GET /api/orders/:id/timeline`: one step of an order's life, as its owner reads it; amounts as decimal strings. */
export const OrderTimelineEntry = z.discriminatedUnion('kind', [
  /** The API recorded the order (and held what it needs) and sent it to the exchange. */
  z.object({ ...step, kind: z.literal('received') }),
  z.object({
    ...step,
    kind: z.literal('accepted'),
    price: money.nullable(),
    stopPrice: money.nullable(),
    trailingOffset: money.nullable(),
    quantity: money,
  }),
  /** One execution; `fee` is what this order's owner paid on it. */
  z.object({
    ...step,
    kind: z.literal('fill'),
    tradeId: z.string(),
    price: money,
    quantity: money,
    fee: money,
    role: z.enum(['maker', 'taker']),
  }),
  /** An amend taken: the terms from then on. */
  z.object({
    ...step,
    kind: z.literal('amended'),
    price: money.nullable(),
    stopPrice: money.nullable(),
    trailingOffset: money.nullable(),
    quantity: money,
    /** A GTD order's new last trading day, when the amend moved it. */
    expiresOn: z.iso.date().optional(),
  }),
  /** A trailing stop followed the market. */
  z.object({ ...step, kind: z.literal('stop_moved'), stopPrice: money, price: money.nullable() }),
  /** Self-trade prevention took `quantity` down to what is left. */
  z.object({ ...step, kind: z.literal('decremented'), quantity: money, remainingQuantity: money }),
  z.object({ ...step, kind: z.literal('stop_triggered'), stopPrice: money, lastTradePrice: money }),
  z.object({ ...step, kind: z.literal('filled') }),
  /** `quantity`: what was cancelled (what had not filled). */
  z.object({ ...step, kind: z.literal('cancelled'), reason: CancelReason, quantity: money }),
  z.object({ ...step, kind: z.literal('expired'), quantity: money }),
  /** The exchange refused a command about the order: the order itself, or a cancel or an amend of it. */
  z.object({
    ...step,
    kind: z.literal('rejected'),
    command: z.enum(['place_order', 'cancel_order', 'amend_order']),
    reason: RejectReason,
    message: z.string(),
  }),
]);
export type OrderTimelineEntry = z.infer<typeof OrderTimelineEntry>;
export type OrderTimelineKind = OrderTimelineEntry['kind'];
