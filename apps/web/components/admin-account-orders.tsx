'use client';
import type { OrderView } from '@bolsa/contracts';
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { MORE_FAILED_TEXT } from '../lib/error-text';
import { retrying } from '../lib/retrying';
import { formatDateTime, formatPrice, formatQuantity } from '../lib/format';
import { orderStatusText } from '../lib/order-status';
import { withOlder, type Page } from '../lib/pages';
import { LoadMore } from './load-more';

const PAGE = 10;

/** One account's orders, newest first, for support; each with its number, to look it up ("Consultar ordem"). */
export function AdminAccountOrders({ accountId, version }: { accountId: string; version: number }) {
  const [page, setPage] = useState<Page<OrderView> | null>(null);
  const [loading, setLoading] = useState(false);
  const [moreFailed, setMoreFailed] = useState(false);
  const path = (cursor: string | null) =>
    `/api/admin/orders?accountId=${accountId}&limit=${PAGE}${cursor === null ? '' : `&cursor=${cursor}`}`;

  // `path` is made from accountId alone.
  useEffect(() => retrying(() => api<Page<OrderView>>('GET', path(null)), setPage), [accountId, version]);

  const loadMore = (cursor: string) => {
    setLoading(true);
    api<Page<OrderView>>('GET', path(cursor))
      .then((older) => {
        setPage((shown) => (shown !== null && shown.nextCursor === cursor ? withOlder(shown, older) : shown));
        setMoreFailed(false);
      })
      .catch(() => setMoreFailed(true))
      .finally(() => setLoading(false));
  };

  if (page === null) return null;
  if (page.items.length === 0) return <p className="mt-1 text-muted">Nenhuma ordem.</p>;
  return (
    <div className="mt-1">
      <table className="num w-full" data-testid="admin-account-orders">
        <tbody>
          {page.items.map((order) => (
            <tr key={order.orderId} className="border-t border-edge" data-testid="admin-account-order">
              <td className="pr-2 text-muted">{formatDateTime(order.createdAt)}</td>
              <td className="pr-2 text-gray-200">{order.symbol}</td>
              <td className={`pr-2 ${order.side === 'buy' ? 'text-buy' : 'text-sell'}`}>
                {order.side === 'buy' ? 'compra' : 'venda'} {formatQuantity(order.quantity)}
                {order.price === null ? '' : ` a ${formatPrice(order.price)}`}
              </td>
              <td className="pr-2 text-gray-400">{orderStatusText(order.status, order.statusReason)}</td>
              <td className="select-all font-mono text-[10px] text-muted">{order.orderId}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {moreFailed && (
        <p role="alert" className="text-rose-400">
          {MORE_FAILED_TEXT}
        </p>
      )}
      {page.nextCursor !== null && <LoadMore loading={loading} onLoad={() => loadMore(page.nextCursor!)} />}
    </div>
  );
}
