'use client';
import type { TickerView } from '@bolsa/contracts';
import { useCallback, useState } from 'react';
import { reloadCalendars } from './use-calendar';
import { useEventStream, type StreamEvent, type StreamState } from './use-event-stream';

/**
 * Every instrument's ticker, live from `/api/stream/tickers` (all of them on connecting, then each after its
 * trades, a halt or a resumption); null until the first arrive. The stream's `session` events (a day closed, an
 * administrator's early close too) make every calendar on the page ask again.
 */
export function useTickers(): { tickers: ReadonlyMap<string, TickerView> | null; state: StreamState } {
  const [tickers, setTickers] = useState<ReadonlyMap<string, TickerView> | null>(null);
  const onTickers = useCallback((events: StreamEvent[]) => {
    if (events.some((event) => event.kind === 'session')) reloadCalendars();
    const tickerEvents = events.filter((event) => event.kind === 'ticker');
    if (tickerEvents.length === 0) return;
    setTickers((current) => {
      const next = new Map(current);
      for (const event of tickerEvents) {
        const ticker = event.data as TickerView;
        next.set(ticker.symbol, ticker);
      }
      return next;
    });
  }, []);
  const state = useEventStream('/api/stream/tickers', ['ticker', 'session'], onTickers);
  return { tickers, state };
}
