import type { Instrument, OrderType, Side } from '@bolsa/contracts';

/**
 * What an order must set aside before it is sent to the engine, in integer units. A buy holds cash for its whole
 * quantity at the worst price it could pay (its limit; for market and stop-market orders their protection price,
 * or the band's top when they have none) plus the largest fee it could be charged; a sell holds its shares.
 *
 * Fees round down (in the trader's favour). That makes the hold always enough: the fees of several fills sum to
 * no more than the fee of their total, and each fill's price is at most the hold price.
 */
export const BPS = 10_000n;

export interface HoldPlan {
  readonly asset: string;
  readonly amount: bigint;
  /** Per-share price a buy's hold is computed at; null for sells. */
  readonly price: bigint | null;
  readonly feeBps: number;
}

export type HoldProblem = 'market_buy_needs_price_band';

export function feeOn(notional: bigint, bps: number): bigint {
  return (notional * BigInt(bps)) / BPS;
}

/** Cash a buy of `quantity` shares holds at `price` with fees up to `feeBps`. */
export function cashHoldFor(quantity: bigint, price: bigint, feeBps: number): bigint {
  const notional = quantity * price;
  return notional + feeOn(notional, feeBps);
}

export function planHold(
  order: { side: Side; orderType: OrderType; price: number | null; quantity: number },
  instrument: Instrument,
  feeBps: number,
  protectionPrice: number | null,
): HoldPlan | HoldProblem {
  const quantity = BigInt(order.quantity);
  if (order.side === 'sell') return { asset: instrument.symbol, amount: quantity, price: null, feeBps };
  const limited = order.orderType === 'limit' || order.orderType === 'stop_limit';
  const price = limited ? order.price : (protectionPrice ?? instrument.priceBand?.max ?? null);
  if (price === null) return 'market_buy_needs_price_band';
  return { asset: 'BRL', amount: cashHoldFor(quantity, BigInt(price), feeBps), price: BigInt(price), feeBps };
}
