'use client';
import { useState } from 'react';
import { api, ApiFailure } from '../lib/api';
import { instantText, instrumentCallName, instrumentCallOf, reopeningOf } from '../lib/calendar';
import { failureText } from '../lib/error-text';
import { useTickers } from '../lib/use-tickers';
import { ReasonForm } from './reason-form';

/** What the switch for all instruments at once stands for in `halting`. */
const ALL = '*';

/**
 * Halting and resuming each instrument, or all of them at once (admins). The status comes from the tickers stream,
 * which every API process sends a fresh ticker on when a halt or a resumption commits, so every admin's panel shows
 * it alike. A halt asks why (every trader's screen shows it) before it is sent; resuming does not. `onSwitched` once
 * a halt or resumption is taken.
 */
export function TradingControls({ onSwitched }: { onSwitched?: () => void }) {
  const { tickers } = useTickers();
  /** The instrument (or ALL) whose halt is being asked the reason for. */
  /** Its reason is asked to change, not to halt it (it is halted). */
  const [restating, setRestating] = useState(false);
  const [halting, setHalting] = useState<string | null>(null);
  const ask = (symbol: string, restate: boolean) => {
    setRestating(restate);
    setHalting(symbol);
  };
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  /** `symbol` ALL: every instrument. True when it was taken. */
  async function switchTrading(symbol: string, action: 'halt' | 'resume', reason?: string): Promise<boolean> {
    setFailure(null);
    setBusy(true);
    const path = symbol === ALL ? '/api/admin/markets' : `/api/admin/markets/${symbol}`;
    try {
      await api('POST', `${path}/${action}`, reason === undefined ? undefined : { reason });
      if (action === 'halt') setHalting(null);
      onSwitched?.();
      return true;
    } catch (error) {
      setFailure(error instanceof ApiFailure ? failureText(error) : 'Não foi possível falar com a API.');
      return false;
    } finally {
      setBusy(false);
    }
  }
  /** `restating`: the instrument is halted already, and its reason is being changed. */
  const askReason = (symbol: string, restating = false) => (
    <ReasonForm
      label={symbol === ALL ? 'Motivo da suspensão de todos os ativos' : `Motivo da suspensão de ${symbol}`}
      placeholder="motivo (os investidores verão)"
      submitText={
        symbol === ALL
          ? 'Confirmar: suspender todos'
          : restating
            ? `Confirmar: novo motivo de ${symbol}`
            : `Confirmar: suspender ${symbol}`
      }
      busy={busy}
      onSubmit={(reason) => switchTrading(symbol, 'halt', reason)}
    >
      <button type="button" onClick={() => setHalting(null)} className="rounded px-2 py-0.5 hover:bg-gray-800">
        Cancelar
      </button>
    </ReasonForm>
  );
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
              disabled={busy}
              onClick={() => void switchTrading(ALL, 'resume')}
              className="rounded px-2 py-0.5 font-normal text-gray-300 hover:bg-gray-800"
            >
              Retomar todos
            </button>
          )}
          {!allHalted && (
            <button
              type="button"
              onClick={() => ask(ALL, false)}
              className={`rounded px-2 py-0.5 font-normal ${
                halting === ALL ? 'bg-amber-600 text-white' : 'text-gray-300 hover:bg-gray-800'
              }`}
            >
              Suspender todos
            </button>
          )}
        </span>
      </h2>
      {halting === ALL && <div className="border-b border-edge px-2 pb-1 text-xs">{askReason(ALL)}</div>}
      <ul className="divide-y divide-edge/50 text-xs" data-testid="trading-controls">
        {all.map((ticker) => {
          const { symbol, halted } = ticker;
          const reopensAt = reopeningOf(ticker);
          return (
            <li key={symbol} className="px-2 py-1" data-testid={`control-${symbol}`}>
              <div className="flex items-center gap-2">
                <span className="w-14 text-gray-200">{symbol}</span>
                <span className={halted ? 'text-amber-400' : reopensAt !== null ? 'text-sky-300' : 'text-emerald-400'}>
                  {halted
                    ? 'suspenso'
                    : reopensAt !== null
                      ? `em ${instrumentCallName(instrumentCallOf(ticker)).toLowerCase()} até ${instantText(reopensAt)}`
                      : 'em negociação'}
                </span>
                {halted && (ticker.haltReason ?? null) !== null && (
                  <span className="min-w-0 truncate text-muted" title={ticker.haltReason ?? ''}>
                    {ticker.haltReason}
                  </span>
                )}
                {halted && (
                  <button
                    type="button"
                    onClick={() => ask(symbol, true)}
                    className="ml-auto shrink-0 rounded px-2 py-0.5 text-gray-300 hover:bg-gray-800"
                  >
                    Mudar motivo
                  </button>
                )}
                <button
                  type="button"
                  disabled={busy && halted}
                  onClick={() => (halted ? void switchTrading(symbol, 'resume') : ask(symbol, false))}
                  className={`${halted ? '' : 'ml-auto'} shrink-0 rounded px-2 py-0.5 ${
                    halting === symbol && !halted ? 'bg-amber-600 text-white' : 'text-gray-300 hover:bg-gray-800'
                  }`}
                >
                  {halted ? 'Retomar' : 'Suspender'}
                </button>
              </div>
              {/* A halt taken shows the row halted before its answer comes: no form for the new reason then. */}
              {halting === symbol && restating === halted && askReason(symbol, restating)}
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
