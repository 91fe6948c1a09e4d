'use client';
import type { TickerView } from '@bolsa/contracts';
import { useCallback, useState } from 'react';
import { useEventStream, type StreamEvent, type StreamState } from './use-event-stream';

/**
 * Every instrument's ticker, live from `/api/stream/tickers` (all of them on connecting, then each after its
 * trades, a halt or a resumption); null until the first arrive.
 */
export function useTickers(): { tickers: ReadonlyMap<string, TickerView> | null; state: StreamState } {
  const [tickers, setTickers] = useState<ReadonlyMap<string, TickerView> | null>(null);
  const onTickers = useCallback((events: StreamEvent[]) => {
    setTickers((current) => {
      const next = new Map(current);
      for (const event of events) {
        const ticker = event.data as TickerView;
        next.set(ticker.symbol, ticker);
      }
      return next;
    });
  }, []);
  const state = useEventStream('/api/stream/tickers', ['ticker'], onTickers);
  return { tickers, state };
}
