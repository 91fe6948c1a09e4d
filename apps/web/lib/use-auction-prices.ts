'use client';
import type { BookView } from '@bolsa/contracts';
import { useEffect, useState } from 'react';
import { api } from './api';

/** How often the theoretical prices are read again while an auction runs. */
const EVERY_MS = 2_000;

/**
 * During a call auction (`active`), each symbol's theoretical price: where its book would uncross now, as the API
 * works it out over every level that crosses (`BookView.uncross`), read every 2 s; empty otherwise. A symbol whose
 * book does not cross maps to null; one not read yet is missing.
 */
export function useAuctionPrices(
  symbols: readonly string[],
  active: boolean,
): ReadonlyMap<string, BookView['uncross']> {
  const [prices, setPrices] = useState<ReadonlyMap<string, BookView['uncross']>>(new Map());
  const key = symbols.join(',');
  useEffect(() => {
    setPrices(new Map());
    if (!active || key === '') return;
    let stopped = false;
    const read = async () => {
      const books = await Promise.all(
        key.split(',').map((symbol) => api<BookView>('GET', `/api/markets/${symbol}/book?depth=1`).catch(() => null)),
      );
      if (stopped) return;
      setPrices(new Map(books.flatMap((book) => (book === null ? [] : [[book.symbol, book.uncross] as const]))));
    };
    void read();
    const timer = setInterval(() => void read(), EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [key, active]);
  return prices;
}
