'use client';
import type { TickerView, TradingStatusView } from '@bolsa/contracts';
import { useCallback, useState } from 'react';
import { api, ApiFailure } from '../lib/api';
import { useEventStream, type StreamEvent } from '../lib/use-event-stream';

/**
 * Halting and resuming each instrument (admins). The status comes from the tickers stream, so every admin's panel
 * shows a halt as soon as it is made; halting asks for a second click, resuming does not.
 */
export function TradingControls() {
  const [halted, setHalted] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [confirming, setConfirming] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const onTickers = useCallback((events: StreamEvent[]) => {
    setHalted((current) => {
      const next = new Map(current);
      for (const event of events) {
        const ticker = event.data as TickerView;
        next.set(ticker.symbol, ticker.halted);
      }
      return next;
    });
  }, []);
  useEventStream('/api/stream/tickers', ['ticker'], onTickers);

  async function toggle(symbol: string, halt: boolean) {
    if (halt && confirming !== symbol) return setConfirming(symbol);
    setConfirming(null);
    setFailure(null);
    try {
      const view = await api<TradingStatusView>('POST', `/api/admin/markets/${symbol}/${halt ? 'halt' : 'resume'}`);
      setHalted((current) => new Map(current).set(view.symbol, view.halted));
    } catch (error) {
      setFailure(error instanceof ApiFailure ? error.message : 'Não foi possível falar com a API.');
    }
  }

  return (
    <section className="rounded border border-edge bg-panel" aria-label="Negociação por ativo">
      <h2 className="border-b border-edge px-2 py-1.5 text-xs font-semibold uppercase tracking-wide text-gray-400">
        Negociação por ativo
      </h2>
      <ul className="divide-y divide-edge/50 text-xs" data-testid="trading-controls">
        {[...halted].map(([symbol, isHalted]) => (
          <li key={symbol} className="flex items-center gap-2 px-2 py-1" data-testid={`control-${symbol}`}>
            <span className="w-14 text-gray-200">{symbol}</span>
            <span className={isHalted ? 'text-amber-400' : 'text-emerald-400'}>
              {isHalted ? 'suspenso' : 'em negociação'}
            </span>
            <button
              type="button"
              onClick={() => void toggle(symbol, !isHalted)}
              onBlur={() => setConfirming((current) => (current === symbol ? null : current))}
              className={`ml-auto rounded px-2 py-0.5 ${
                confirming === symbol ? 'bg-amber-600 text-white' : 'text-gray-300 hover:bg-gray-800'
              }`}
            >
              {isHalted ? 'Retomar' : confirming === symbol ? `Confirmar: suspender ${symbol}` : 'Suspender'}
            </button>
          </li>
        ))}
      </ul>
      {failure !== null && (
        <p role="alert" className="px-2 py-1 text-xs text-rose-400">
          {failure}
        </p>
      )}
    </section>
  );
}
