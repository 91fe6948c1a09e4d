'use client';
import type { ClosedDayView, TradingDayClose } from '@bolsa/contracts';
import { useState } from 'react';
import { api } from '../lib/api';
import { closeText, sessionText } from '../lib/calendar';
import { reloadCalendars, useCalendar } from '../lib/use-calendar';
import { useRequestAction } from '../lib/use-request-action';

/**
 * The trading day's last and next close, and a button that closes it now (every DAY order expires and, with trading
 * hours, the exchange takes no new orders until the next trading day opens), after a second click to confirm;
 * `onClosed` once it is.
 */
export function EndOfDayButton({ onClosed }: { onClosed?: () => void }) {
  const { calendar } = useCalendar();
  const [confirming, setConfirming] = useState(false);
  const { busy, notice, run } = useRequestAction();

  /** With trading hours, a close ends the day's trading too; without, it only expires the DAY orders. */
  const hours = calendar !== null && calendar.opensAt !== null;

  async function close() {
    if (!confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    await run(
      () => api<ClosedDayView>('POST', '/api/admin/end-of-day'),
      (closed) => {
        reloadCalendars();
        onClosed?.();
        const day = closed.tradingDay.split('-').reverse().join('/');
        const next = hours ? '; novas ordens só na próxima abertura' : '';
        return `Pregão de ${day} encerrado: expiram as ordens do dia e as válidas até ele${next}.`;
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
        className={`rounded px-2 py-1 text-xs font-semibold ${confirming ? 'bg-rose-600 text-white' : 'bg-gray-800 text-gray-200'} disabled:opacity-50`}
      >
        {confirming
          ? hours
            ? 'Confirmar: encerrar o pregão de hoje e expirar as ordens do dia'
            : 'Confirmar: expirar as ordens do dia'
          : 'Encerrar pregão'}
      </button>
      {notice !== null && (
        <p role="status" className="text-gray-400" data-testid="end-of-day-notice">
          {notice}
        </p>
      )}
    </div>
  );
}
