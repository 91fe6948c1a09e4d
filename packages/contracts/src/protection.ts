import type { Instrument } from './instruments.js';
import type { OrderType, Side } from './orders.js';

/**
 * How far past its reference a market or stop-market order may trade, in basis points: 10%. Without it a market
 * order would walk a thin book to the edge of the price band, and a buy would have to set aside cash for its whole
 * quantity at the band's top. With it the order stops there, its remainder cancelled, and a buy holds cash at the
 * protection price.
 */
export const MARKET_PROTECTION_BPS = 1_000;

/**
 * The protection price of a market order, in cents: `reference` (the last trade, the instrument's reference price
 * before any trade, or a stop-market order's stop price) moved MARKET_PROTECTION_BPS against the order, rounded
 * outwards onto the tick and kept inside the price band.
 */
export function protectionPrice(instrument: Instrument, side: Side, reference: number): number {
  const tick = instrument.tickSize;
  const band = instrument.priceBand;
  const scaled = reference * (side === 'buy' ? 10_000 + MARKET_PROTECTION_BPS : 10_000 - MARKET_PROTECTION_BPS);
  const ticks = side === 'buy' ? Math.ceil(scaled / (10_000 * tick)) : Math.floor(scaled / (10_000 * tick));
  const price = Math.max(ticks, 1) * tick;
  if (band === null) return price;
  return Math.min(Math.max(price, band.min), band.max);
}

/**
 * The protection price an order gets when it is placed, by the rule the API applies and the home broker shows: a
 * stop-market order's from its stop price, a market order's from `marketPrice` (the last trade, or the reference
 * price before the first). Null for limit orders, and when there is no positive price to start from (the order
 * then walks to the band's edge).
 */
export function orderProtection(
  instrument: Instrument,
  order: { readonly orderType: OrderType; readonly side: Side; readonly stopPrice: number | null },
  marketPrice: number | null,
): number | null {
  const reference =
    order.orderType === 'stop_market' ? order.stopPrice : order.orderType === 'market' ? marketPrice : null;
  return reference === null || reference <= 0 ? null : protectionPrice(instrument, order.side, reference);
}
