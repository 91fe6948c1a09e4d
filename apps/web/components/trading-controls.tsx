'use client';
import { useState } from 'react';
import { api, ApiFailure } from '../lib/api';
import { useTickers } from '../lib/use-tickers';

/**
 * Halting and resuming each instrument (admins). The status comes from the tickers stream, which every API process
 * sends a fresh ticker on when a halt or a resumption commits, so every admin's panel shows it alike; halting asks
 * for a second click, resuming does not.
 */
export function TradingControls() {
  const { tickers } = useTickers();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  async function toggle(symbol: string, halt: boolean) {
    if (halt && confirming !== symbol) return setConfirming(symbol);
    setConfirming(null);
    setFailure(null);
    try {
      await api('POST', `/api/admin/markets/${symbol}/${halt ? 'halt' : 'resume'}`);
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
        {[...(tickers?.values() ?? [])].map(({ symbol, halted }) => (
          <li key={symbol} className="flex items-center gap-2 px-2 py-1" data-testid={`control-${symbol}`}>
            <span className="w-14 text-gray-200">{symbol}</span>
            <span className={halted ? 'text-amber-400' : 'text-emerald-400'}>
              {halted ? 'suspenso' : 'em negociação'}
            </span>
            <button
              type="button"
              onClick={() => void toggle(symbol, !halted)}
              onBlur={() => setConfirming((current) => (current === symbol ? null : current))}
              className={`ml-auto rounded px-2 py-0.5 ${
                confirming === symbol ? 'bg-amber-600 text-white' : 'text-gray-300 hover:bg-gray-800'
              }`}
            >
              {halted ? 'Retomar' : confirming === symbol ? `Confirmar: suspender ${symbol}` : 'Suspender'}
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
