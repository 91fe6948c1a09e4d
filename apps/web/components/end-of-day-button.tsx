'use client';
import type { ClosedDayView, TradingCalendarView, TradingDayClose } from '@bolsa/contracts';
import { useState } from 'react';
import { api } from '../lib/api';
import { closeText, sessionText } from '../lib/calendar';
import { formatDay } from '../lib/format';
import { reloadCalendars, useCalendar } from '../lib/use-calendar';
import { useRequestAction } from '../lib/use-request-action';

/**
 * The trading day's last and next close, and a button that closes it now (every DAY order expires and, with trading
 * hours, the exchange takes no new orders until the next trading day opens), after a second click to confirm;
 * `onClosed` once it is.
 */
export function EndOfDayButton({ onClosed }: { onClosed?: () => void }) {
  const { calendar } = useCalendar();
  const [confirming, setConfirming] = useState<'close' | 'reopen' | null>(null);
  const { busy, notice, run } = useRequestAction();

  /** With trading hours, a close ends the day's trading too; without, it only expires the DAY orders. */
  const hours = calendar !== null && calendar.opensAt !== null;

  /** A first click asks for a second on the same button; the second goes ahead. */
  const secondClick = (action: 'close' | 'reopen'): boolean => {
    setConfirming(confirming === action ? null : action);
    return confirming === action;
  };

  async function close() {
    if (!secondClick('close')) return;
    await run(
      () => api<ClosedDayView>('POST', '/api/admin/end-of-day'),
      (closed) => {
        reloadCalendars();
        onClosed?.();
        const day = formatDay(closed.tradingDay);
        const next = hours ? '; novas ordens só na próxima abertura' : '';
        return `Pregão de ${day} encerrado: expiram as ordens do dia e as válidas até ele${next}.`;
      },
    );
  }

  /** Today closed early by mistake: trading goes on until the closing time. */
  async function reopen() {
    if (!secondClick('reopen')) return;
    await run(
      () => api<TradingCalendarView>('POST', '/api/admin/end-of-day/reopening'),
      (reopened) => {
        reloadCalendars();
        const until = reopened.closesAt === null ? '' : ` até ${reopened.closesAt}`;
        return `Pregão reaberto: novas ordens${until}; as ordens do dia já expiradas seguem expiradas.`;
      },
    );
  }

  const when = (close: TradingDayClose | null | undefined, none: string) =>
    close === null || close === undefined || calendar === null ? none : closeText(close, calendar.timeZone);
  const session = sessionText(calendar);
  return (
    <div className="mt-3 flex flex-col gap-1">
      {session !== null && (
        <p className="text-xs text-gray-300" data-testid="admin-session">
          {session}
        </p>
      )}
      <dl className="grid grid-cols-[1fr_auto] gap-y-1 text-xs">
        <dt className="text-gray-400">Último encerramento</dt>
        <dd className="text-right" data-testid="last-close">
          {when(calendar?.lastClose, '—')}
        </dd>
        <dt className="text-gray-400">Próximo encerramento</dt>
        <dd className="text-right" data-testid="next-close">
          {when(calendar?.nextClose, calendar === null ? '—' : 'só pelo painel')}
        </dd>
      </dl>
      <button
        type="button"
        disabled={busy}
        onClick={() => void close()}
        className={`rounded px-2 py-1 text-xs font-semibold ${confirming === 'close' ? 'bg-rose-600 text-white' : 'bg-gray-800 text-gray-200'} disabled:opacity-50`}
      >
        {confirming === 'close'
          ? hours
            ? 'Confirmar: encerrar o pregão de hoje e expirar as ordens do dia'
            : 'Confirmar: expirar as ordens do dia'
          : 'Encerrar pregão'}
      </button>
      {calendar?.closedEarly === true && (
        <button
          type="button"
          disabled={busy}
          onClick={() => void reopen()}
          className={`rounded px-2 py-1 text-xs font-semibold ${confirming === 'reopen' ? 'bg-amber-500 text-gray-950' : 'bg-gray-800 text-gray-200'} disabled:opacity-50`}
        >
          {confirming === 'reopen' ? 'Confirmar: reabrir o pregão de hoje' : 'Reabrir pregão'}
        </button>
      )}
      {notice !== null && (
        <p role="status" className="text-gray-400" data-testid="end-of-day-notice">
          {notice}
        </p>
      )}
    </div>
  );
}
