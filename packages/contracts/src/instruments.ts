import { z } from 'zod';
import { Cents, InstrumentSymbol, Quantity } from './ids.js';

/** Hard price limits: prices outside are rejected, and market orders stop walking the book at them. */
export const PriceBand = z
  .object({ min: Cents, max: Cents })
  .refine((band) => band.min <= band.max, { error: 'min must not exceed max', path: ['max'] });
export type PriceBand = z.infer<typeof PriceBand>;

export const Instrument = z
  .object({
    symbol: InstrumentSymbol,
    name: z.string().min(1).max(80),
    currency: z.literal('BRL'),
    /** Smallest price step, in cents. */
    tickSize: Cents,
    /** Quantities are multiples of this many shares. */
    lotSize: z.int().positive(),
    priceBand: PriceBand.nullable(),
    /**
     * The price the exchange opens the instrument at (a previous close, say). Shares a new account is granted are
     * valued at it, so their average cost and profit mean something; absent, granted shares have no cost.
     */
    referencePrice: Cents.nullable().optional(),
    /**
     * Volatility auctions (B3's "leilão por oscilação"): an order that would trade more than `tunnelBps` basis points
     * away from the reference price (the last call auction's price or the last close's; the reference price above
     * before either) stops there, and the instrument goes into a call auction for `seconds`. Absent or null: none.
     */
    volatilityAuction: z
      .object({ tunnelBps: z.int().min(1).max(10_000), seconds: z.int().min(1).max(3_600) })
      .nullable()
      .optional(),
    /**
     * The most shares one order may ask for (B3's "quantidade máxima por oferta", a fat-finger limit): a larger
     * order, or an amend to a larger quantity, is refused (`quantity_over_limit`). Absent: only the 32-bit limit.
     */
    maxOrderQuantity: Quantity.max(2_147_483_647).optional(),
  })
  .superRefine((instrument, ctx) => {
    const band = instrument.priceBand;
    const reference = instrument.referencePrice ?? null;
    const maxQuantity = instrument.maxOrderQuantity;
    if (maxQuantity !== undefined && maxQuantity % instrument.lotSize !== 0) {
      ctx.addIssue({ code: 'custom', message: 'must be a multiple of the lot size', path: ['maxOrderQuantity'] });
    }
    if (reference !== null && reference % instrument.tickSize !== 0) {
      ctx.addIssue({ code: 'custom', message: 'must be on the tick size', path: ['referencePrice'] });
    }
    if (band === null) return;
    for (const edge of ['min', 'max'] as const) {
      if (band[edge] % instrument.tickSize !== 0) {
        ctx.addIssue({ code: 'custom', message: 'must be on the tick size', path: ['priceBand', edge] });
      }
    }
    if (reference !== null && (reference < band.min || reference > band.max)) {
      ctx.addIssue({ code: 'custom', message: 'must be within the price band', path: ['referencePrice'] });
    }
  });
export type Instrument = z.infer<typeof Instrument>;

/**
 * The instruments an exchange starts with unless configured otherwise: a few B3 tickers, priced in BRL with a
 * one-cent tick, one-share lots, a hard band and at most 100,000 shares per order. Shared by the API and the matching engine.
 */
export const DEFAULT_INSTRUMENTS: readonly Instrument[] = [
  b3Share('PETR4', 'Petrobras PN', 3800),
  b3Share('VALE3', 'Vale ON', 6200),
  b3Share('ITUB4', 'Itaú Unibanco PN', 3300),
  b3Share('BBDC4', 'Bradesco PN', 1500),
  b3Share('ABEV3', 'Ambev ON', 1300),
];

function b3Share(symbol: string, name: string, referencePrice: number): Instrument {
  return {
    symbol,
    name,
    currency: 'BRL',
    tickSize: 1,
    lotSize: 1,
    priceBand: { min: 100, max: 100_000 },
    referencePrice,
    maxOrderQuantity: 100_000,
  };
}

export const InstrumentList = z
  .array(Instrument)
  .min(1)
  .refine((list) => new Set(list.map((instrument) => instrument.symbol)).size === list.length, {
    error: 'symbols must be unique',
  });
