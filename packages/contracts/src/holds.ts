import type { Instrument } from './instruments.js';
import type { OrderType } from './orders.js';

/**
 * What a buy sets aside, by the rule the API applies and the home broker shows: cash for its whole quantity at the
 * worst price it could pay plus the largest fee it could be charged.
 *
 * Fees round down (in the trader's favour). That makes the hold always enough: the fees of several fills sum to
 * no more than the fee of their total, and each fill's price is at most the hold price.
 */
export const BPS = 10_000n;

/** The fee of `bps` basis points on `notional` cents, rounded down. */
export function feeOn(notional: bigint, bps: number): bigint {
  return (notional * BigInt(bps)) / BPS;
}

/** Cash a buy of `quantity` shares holds at `price` with fees up to `feeBps`. */
export function cashHoldFor(quantity: bigint, price: bigint, feeBps: number): bigint {
  const notional = quantity * price;
  return notional + feeOn(notional, feeBps);
}

/**
 * The per-share price a buy holds cash at: its limit for limit and stop-limit orders; for market and stop-market
 * orders their protection price, or the band's top when they have none. Null when there is no such price.
 */
export function buyHoldPrice(
  order: { readonly orderType: OrderType; readonly price: number | null },
  instrument: Instrument,
  protectionPrice: number | null,
): number | null {
  const limited = order.orderType === 'limit' || order.orderType === 'stop_limit';
  return limited ? order.price : (protectionPrice ?? instrument.priceBand?.max ?? null);
}
