'use client';
import type { MyTradeView, OrderTimelineEntry, OrderView } from '@bolsa/contracts';
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { summarizeFills } from '../lib/fills';
import { formatBRL, formatQuantity } from '../lib/format';
import { everyPage, pagesUpTo, withOlder, type Page } from '../lib/pages';
import { LoadMore } from './load-more';
import { OrderTimelineList } from './order-timeline-list';

/** A page of the order's fills (the API's largest), newest first, from `cursor` on. */
function fillsPath(orderId: string, cursor: string | null): string {
  const query = new URLSearchParams({ orderId, limit: '500' });
  if (cursor !== null) query.set('cursor', cursor);
  return `/api/me/trades?${query.toString()}`;
}

const TIMELINE_PAGE = 100;

function timelinePath(orderId: string, cursor: string | null): string {
  const query = new URLSearchParams({ limit: String(TIMELINE_PAGE) });
  if (cursor !== null) query.set('cursor', cursor);
  return `/api/orders/${orderId}/timeline?${query.toString()}`;
}

/**
 * Under an order's row: what its fills add up to (quantity, average price, total and the fees, which the order itself
 * does not show), then its life step by step, oldest first: received, accepted, each execution, amends, refusals,
 * how it ended. Fetched again when `version` moves (one of the trader's orders changed), as far as it was read.
 */
export function OrderDetails({ order, columns, version }: { order: OrderView; columns: number; version: number }) {
  const { orderId } = order;
  const hasFills = order.filledQuantity !== '0';
  const [fills, setFills] = useState<MyTradeView[] | null>(null);
  const [timeline, setTimeline] = useState<Page<OrderTimelineEntry> | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [failed, setFailed] = useState(false);
  const shown = timeline?.items.length ?? 0;
  const nextCursor = timeline?.nextCursor ?? null;

  useEffect(() => {
    let current = true;
    Promise.all([
      hasFills ? everyPage<MyTradeView>((cursor) => api('GET', fillsPath(orderId, cursor))) : Promise.resolve([]),
      pagesUpTo<OrderTimelineEntry>((cursor) => api('GET', timelinePath(orderId, cursor)), Math.max(shown, 1)),
    ])
      .then(([all, steps]) => {
        if (!current) return;
        setFills(all);
        setTimeline(steps);
        setFailed(false);
      })
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
    // `shown` is read, not followed: loading more pages is not a reason to fetch the ones already here again.
  }, [orderId, version, hasFills]);

  const loadMore = () => {
    if (timeline === null || nextCursor === null) return;
    setLoadingMore(true);
    api<Page<OrderTimelineEntry>>('GET', timelinePath(orderId, nextCursor))
      .then((page) => setTimeline(withOlder(timeline, page)))
      .catch(() => setFailed(true))
      .finally(() => setLoadingMore(false));
  };

  const summary = fills === null || fills.length === 0 ? null : summarizeFills(fills);
  return (
    <tr data-testid="order-details">
      <td colSpan={columns} className="bg-gray-950/60 px-3 py-1.5">
        <p className="text-[10px] text-muted">
          Ordem{' '}
          <span className="select-all font-mono" data-testid="order-id">
            {orderId}
          </span>
        </p>
        {failed && <p className="text-rose-400">Não foi possível carregar os detalhes da ordem.</p>}
        {summary !== null && (
          <p className="text-gray-300" data-testid="order-fills-summary">
            {fills!.length === 1 ? '1 execução' : `${fills!.length} execuções`}: {formatQuantity(summary.quantity)} a
            preço médio {formatBRL(summary.averagePrice)}, total {formatBRL(summary.notional)}, taxas{' '}
            {formatBRL(summary.fees)}
          </p>
        )}
        {timeline !== null && <OrderTimelineList steps={timeline.items} placedAt={order.createdAt} />}
        {nextCursor !== null && <LoadMore loading={loadingMore} onLoad={loadMore} />}
      </td>
    </tr>
  );
}
