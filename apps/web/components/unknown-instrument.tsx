'use client';
import type { InstrumentView } from '@bolsa/contracts';
import Link from 'next/link';
import { useEffect } from 'react';
import { SITE_NAME } from '../lib/page-title';
import { MissingPage } from './missing-page';

/** The trading screen of a symbol not traded here (a typo, an old link): which ones are, each a link to its screen. */
export function UnknownInstrument({ symbol, instruments }: { symbol: string; instruments: readonly InstrumentView[] }) {
  // The page's metadata named the symbol alone, as if it were traded.
  useEffect(() => {
    document.title = `${symbol} não é negociado · ${SITE_NAME}`;
  }, [symbol]);
  return (
    <MissingPage title={`${symbol} não é negociado na Bolsa`}>
      <p className="mt-2 text-sm text-muted">Confira o código. Os ativos negociados aqui são:</p>
      <ul className="mt-3 flex flex-wrap gap-2 text-sm" aria-label="Ativos negociados">
        {instruments.map((instrument) => (
          <li key={instrument.symbol}>
            <Link
              href={`/trade/${instrument.symbol}`}
              className="inline-block rounded border border-edge px-2 py-1 font-semibold text-sky-300 hover:underline"
              title={instrument.name}
            >
              {instrument.symbol}
            </Link>
          </li>
        ))}
      </ul>
    </MissingPage>
  );
}
