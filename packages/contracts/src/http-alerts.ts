import { z } from 'zod';
import { InstrumentSymbol } from './ids.js';

/** When a price alert goes off: the first trade at or above its price, or at or below it. */
export const PriceAlertCondition = z.enum(['at_or_above', 'at_or_below']);
export type PriceAlertCondition = z.infer<typeof PriceAlertCondition>;

/** How many alerts an account may have waiting at once (`409 too_many_alerts` past it). */
export const MAX_ACTIVE_PRICE_ALERTS = 20;

/** How many creations and deletions of alerts an account may send a minute (`429 rate_limited` past it). */
export const MAX_PRICE_ALERT_CHANGES_PER_MINUTE = 30;

/** `POST /api/alerts`: tell me when `symbol` trades at `price` (a decimal string on the instrument's tick) or beyond. */
export const CreatePriceAlertRequest = z.strictObject({
  symbol: InstrumentSymbol,
  condition: PriceAlertCondition,
  price: z.string(),
});
export type CreatePriceAlertRequest = z.infer<typeof CreatePriceAlertRequest>;

/** One of the caller's price alerts (`GET /api/alerts`; the account stream's `alerts` event lists them all). */
export const PriceAlertView = z.object({
  id: z.uuid(),
  symbol: InstrumentSymbol,
  condition: PriceAlertCondition,
  price: z.string(),
  createdAt: z.iso.datetime(),
  /** When the trade that set it off was executed; null while it waits. It goes off once, and stays until deleted. */
  triggeredAt: z.iso.datetime().nullable(),
  /** The price of the trade that set it off: the first, in execution order, at or beyond `price`. */
  triggerPrice: z.string().nullable(),
});
export type PriceAlertView = z.infer<typeof PriceAlertView>;
