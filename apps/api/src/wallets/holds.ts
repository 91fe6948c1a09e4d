import { BPS, buyHoldPrice, cashHoldFor, type Instrument, type OrderType, type Side } from '@bolsa/contracts';
import { bigMax } from './settlement.js';

/**
 * What an order must set aside before it is sent to the engine, in integer units: a buy holds cash as contracts'
 * `buyHoldPrice` and `cashHoldFor` say; a sell holds its shares.
 */
export interface HoldPlan {
  readonly asset: string;
  readonly amount: bigint;
  /** Per-share price a buy's hold is computed at; null for sells. */
  readonly price: bigint | null;
  readonly feeBps: number;
}

export type HoldProblem = 'market_buy_needs_price_band';

export function planHold(
  order: { side: Side; orderType: OrderType; price: number | null; quantity: number },
  instrument: Instrument,
  feeBps: number,
  protectionPrice: number | null,
): HoldPlan | HoldProblem {
  const quantity = BigInt(order.quantity);
  if (order.side === 'sell') return { asset: instrument.symbol, amount: quantity, price: null, feeBps };
  const price = buyHoldPrice(order, instrument, protectionPrice);
  if (price === null) return 'market_buy_needs_price_band';
  return { asset: 'BRL', amount: cashHoldFor(quantity, BigInt(price), feeBps), price: BigInt(price), feeBps };
}

/** The most shares a buy's hold of `amount` covers at `price` with fees up to `feeBps`. */
export function sharesCovered(amount: bigint, price: bigint, feeBps: number): bigint {
  // A lower bound (the fee is rounded down), then up while one more share still fits.
  let shares = (amount * BPS) / (price * (BPS + BigInt(feeBps)));
  while (cashHoldFor(shares + 1n, price, feeBps) <= amount) shares += 1n;
  return shares;
}

/** What an open order holds: cents at `price` for a buy, shares for a sell (`price` null). */
export interface OrderHold {
  readonly side: Side;
  readonly amount: bigint;
  readonly price: bigint | null;
  readonly feeBps: number;
}

/**
 * What an order must hold once an amend to `change` is on its way. Until the engine has it, the order may still
 * fill as it stands, or as amended by earlier amends still on their way: whatever its hold covers now. So the hold
 * covers the larger of that and the new remaining quantity, at the higher of the held and the new price.
 */
export function holdAfterAmend(
  hold: OrderHold,
  filled: bigint,
  change: { readonly price: number | null; readonly quantity: number | null },
): { amount: bigint; price: bigint | null } {
  const remaining = change.quantity === null ? 0n : BigInt(change.quantity) - filled;
  if (hold.side === 'sell') return { amount: bigMax(hold.amount, remaining), price: null };
  if (hold.price === null) return { amount: hold.amount, price: null };
  const price = change.price === null ? hold.price : bigMax(hold.price, BigInt(change.price));
  const shares = bigMax(sharesCovered(hold.amount, hold.price, hold.feeBps), remaining);
  return { amount: bigMax(hold.amount, cashHoldFor(shares, price, hold.feeBps)), price };
}
