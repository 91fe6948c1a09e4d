import { z } from 'zod';
import { Cents, InstrumentSymbol } from './ids.js';

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
  })
  .superRefine((instrument, ctx) => {
    const band = instrument.priceBand;
    if (band === null) return;
    for (const edge of ['min', 'max'] as const) {
      if (band[edge] % instrument.tickSize !== 0) {
        ctx.addIssue({ code: 'custom', message: 'must be on the tick size', path: ['priceBand', edge] });
      }
    }
  });
export type Instrument = z.infer<typeof Instrument>;

/**
 * The instruments an exchange starts with unless configured otherwise: a few B3 tickers, priced in BRL with a
 * one-cent tick, one-share lots and a hard band. Shared by the API and the matching engine.
 */
export const DEFAULT_INSTRUMENTS: readonly Instrument[] = [
  {
    symbol: 'PETR4',
    name: 'Petrobras PN',
    currency: 'BRL',
    tickSize: 1,
    lotSize: 1,
    priceBand: { min: 100, max: 100_000 },
  },
  { symbol: 'VALE3', name: 'Vale ON', currency: 'BRL', tickSize: 1, lotSize: 1, priceBand: { min: 100, max: 100_000 } },
  {
    symbol: 'ITUB4',
    name: 'Itaú Unibanco PN',
    currency: 'BRL',
    tickSize: 1,
    lotSize: 1,
    priceBand: { min: 100, max: 100_000 },
  },
  {
    symbol: 'BBDC4',
    name: 'Bradesco PN',
    currency: 'BRL',
    tickSize: 1,
    lotSize: 1,
    priceBand: { min: 100, max: 100_000 },
  },
  {
    symbol: 'ABEV3',
    name: 'Ambev ON',
    currency: 'BRL',
    tickSize: 1,
    lotSize: 1,
    priceBand: { min: 100, max: 100_000 },
  },
];

export const InstrumentList = z
  .array(Instrument)
  .min(1)
  .refine((list) => new Set(list.map((instrument) => instrument.symbol)).size === list.length, {
    error: 'symbols must be unique',
  });
