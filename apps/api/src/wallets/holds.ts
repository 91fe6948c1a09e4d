import { buyHoldPrice, cashHoldFor, type Instrument, type OrderType, type Side } from '@bolsa/contracts';

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
