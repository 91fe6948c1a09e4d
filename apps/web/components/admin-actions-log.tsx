'use client';
import type { AdminActionsPage, AdminActionView } from '@bolsa/contracts';
import { useCallback, useEffect, useState } from 'react';
import { adminActionAuthor, adminActionText } from '../lib/admin-actions';
import { api } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { withNewest, withOlderAt, type Page } from '../lib/pages';
import { LoadMore } from './load-more';

const PAGE = 20;
const REFRESH_MS = 5000;

const actionsPath = (cursor: string | null) =>
  `/api/admin/actions?limit=${PAGE}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;

/**
 * What administrators did (halts, resumptions, closes of the day, suspensions), newest first, each with the trace id
 * of its request for following it through the logs. Read again every few seconds, as the panel's figures are,
 * and at once when `version` moves (an action taken on this panel).
 */
export function AdminActionsLog({ version }: { version: number }) {
  const [page, setPage] = useState<Page<AdminActionView> | null>(null);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);

  const loadNewest = useCallback(() => {
    api<AdminActionsPage>('GET', actionsPath(null))
      .then((newest) => {
        setFailed(false);
        setPage((listed) => (listed === null ? newest : withNewest(listed, newest, (action) => action.id)));
      })
      .catch(() => setFailed(true));
  }, []);

  useEffect(() => {
    loadNewest();
    const timer = setInterval(loadNewest, REFRESH_MS);
    return () => clearInterval(timer);
  }, [loadNewest, version]);

  const loadMore = (cursor: string) => {
    setLoading(true);
    api<AdminActionsPage>('GET', actionsPath(cursor))
      .then((older) => setPage((listed) => withOlderAt(listed, cursor, older)))
      .catch(() => setFailed(true))
      .finally(() => setLoading(false));
  };

  return (
    <section className="rounded border border-edge bg-panel text-xs" aria-label="Registro de ações">
      <h2 className="border-b border-edge px-2 py-1.5 font-semibold uppercase tracking-wide text-gray-400">
        Registro de ações
      </h2>
      {failed && <p className="px-2 py-1 text-rose-400">Não foi possível ler o registro.</p>}
      <table className="w-full" data-testid="admin-actions">
        <tbody>
          {page?.items.map((action) => (
            <tr key={action.id} className="border-t border-edge align-top" data-testid="admin-action">
              {/* On a phone the date and the time take a line each, and a one-word name may break, to fit the screen. */}
              <td className="px-2 py-0.5 text-gray-400 sm:whitespace-nowrap">{formatDateTime(action.at)}</td>
              <td className="px-2 py-0.5 text-gray-300 wrap-anywhere">{adminActionAuthor(action)}</td>
              <td className="px-2 py-0.5 text-gray-200">{adminActionText(action)}</td>
              <td className="px-2 py-0.5 font-mono text-[10px] text-muted" title={`trace ${action.traceId}`}>
                {action.traceId.slice(0, 8)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page?.items.length === 0 && <p className="px-2 py-1 text-muted">Nenhuma ação registrada.</p>}
      {page !== null && page.nextCursor !== null && (
        <LoadMore loading={loading} onLoad={() => loadMore(page.nextCursor!)} />
      )}
    </section>
  );
}
