import type { Instrument } from './instruments.js';
import type { Side } from './orders.js';

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
