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
