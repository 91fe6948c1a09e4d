'use client';
import { useState } from 'react';
import { api, ApiFailure } from '../lib/api';
import { instantText, reopeningOf } from '../lib/calendar';
import { failureText } from '../lib/error-text';
import { useTickers } from '../lib/use-tickers';

/** What the switch for all instruments at once stands for in `confirming`. */
const ALL = '*';

/**
 * Halting and resuming each instrument, or all of them at once (admins). The status comes from the tickers stream,
 * which every API process sends a fresh ticker on when a halt or a resumption commits, so every admin's panel shows
 * it alike; halting asks for a second click, resuming does not. `onSwitched` once a halt or resumption is taken.
 */
export function TradingControls({ onSwitched }: { onSwitched?: () => void }) {
  const { tickers } = useTickers();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  /** `symbol` ALL: every instrument. */
  async function toggle(symbol: string, halt: boolean) {
    if (halt && confirming !== symbol) return setConfirming(symbol);
    setConfirming(null);
    setFailure(null);
    const path = symbol === ALL ? '/api/admin/markets' : `/api/admin/markets/${symbol}`;
    try {
      await api('POST', `${path}/${halt ? 'halt' : 'resume'}`);
      onSwitched?.();
    } catch (error) {
      setFailure(error instanceof ApiFailure ? failureText(error) : 'Não foi possível falar com a API.');
    }
  }
  const all = [...(tickers?.values() ?? [])];
  const anyHalted = all.some(({ halted }) => halted);
  const allHalted = all.length > 0 && all.every(({ halted }) => halted);

  return (
    <section className="rounded border border-edge bg-panel" aria-label="Negociação por ativo">
      <h2 className="flex items-center gap-2 border-b border-edge px-2 py-1.5 text-xs font-semibold uppercase tracking-wide text-gray-400">
        Negociação por ativo
        <span className="ml-auto flex gap-1 normal-case tracking-normal">
          {anyHalted && (
            <button
              type="button"
              onClick={() => void toggle(ALL, false)}
              className="rounded px-2 py-0.5 font-normal text-gray-300 hover:bg-gray-800"
            >
              Retomar todos
            </button>
          )}
          {!allHalted && (
            <button
              type="button"
              onClick={() => void toggle(ALL, true)}
              onBlur={() => setConfirming((current) => (current === ALL ? null : current))}
              className={`rounded px-2 py-0.5 font-normal ${
                confirming === ALL ? 'bg-amber-600 text-white' : 'text-gray-300 hover:bg-gray-800'
              }`}
            >
              {confirming === ALL ? 'Confirmar: suspender todos' : 'Suspender todos'}
            </button>
          )}
        </span>
      </h2>
      <ul className="divide-y divide-edge/50 text-xs" data-testid="trading-controls">
        {all.map((ticker) => {
          const { symbol, halted } = ticker;
          const reopensAt = reopeningOf(ticker);
          return (
            <li key={symbol} className="flex items-center gap-2 px-2 py-1" data-testid={`control-${symbol}`}>
              <span className="w-14 text-gray-200">{symbol}</span>
              <span className={halted ? 'text-amber-400' : reopensAt !== null ? 'text-sky-300' : 'text-emerald-400'}>
                {halted
                  ? 'suspenso'
                  : reopensAt !== null
                    ? `em leilão de reabertura até ${instantText(reopensAt)}`
                    : 'em negociação'}
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
          );
        })}
      </ul>
      {failure !== null && (
        <p role="alert" className="px-2 py-1 text-xs text-rose-400">
          {failure}
        </p>
      )}
    </section>
  );
}
