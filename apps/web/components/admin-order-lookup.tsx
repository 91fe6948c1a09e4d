'use client';
import type { AdminOrderView, OrderTimelineEntry } from '@bolsa/contracts';
import { useState, type FormEvent } from 'react';
import { api, ApiFailure } from '../lib/api';
import { formatPrice, formatQuantity } from '../lib/format';
import { orderStatusText } from '../lib/order-status';
import type { Page } from '../lib/pages';
import { OrderTimelineList } from './order-timeline-list';

interface Found {
  readonly view: AdminOrderView;
  readonly timeline: Page<OrderTimelineEntry>;
}

/** Support: any order by its id (the trader reads it under the order), whose it is, its terms and its history. */
export function AdminOrderLookup() {
  const [id, setId] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<string | null>(null);

  const lookUp = async (event: FormEvent) => {
    event.preventDefault();
    const orderId = id.trim();
    setError(null);
    try {
      const path = `/api/admin/orders/${encodeURIComponent(orderId)}`;
      const [view, timeline] = await Promise.all([
        api<AdminOrderView>('GET', path),
        api<Page<OrderTimelineEntry>>('GET', `${path}/timeline?limit=500`),
      ]);
      setFound({ view, timeline });
    } catch (failure) {
      setFound(null);
      setError(failure instanceof ApiFailure && failure.status === 404 ? 'Nenhuma ordem com esse número.' : 'Falhou.');
    }
  };

  const order = found?.view.order;
  return (
    <section className="rounded border border-edge bg-panel p-3 text-xs" aria-label="Consultar ordem">
      <h2 className="mb-2 font-semibold uppercase tracking-wide text-gray-400">Consultar ordem</h2>
      <form onSubmit={(event) => void lookUp(event)} className="flex gap-2">
        <input
          aria-label="Número da ordem"
          placeholder="número da ordem"
          value={id}
          onChange={(event) => setId(event.target.value)}
          className="min-w-0 flex-1 rounded border border-gray-700 bg-gray-950 px-2 py-0.5 font-mono"
        />
        <button type="submit" className="rounded bg-gray-800 px-2 py-0.5 text-sky-300 hover:bg-gray-700">
          Consultar
        </button>
      </form>
      {error !== null && <p className="mt-1 text-rose-400">{error}</p>}
      {found !== null && order !== undefined && (
        <div className="mt-2" data-testid="admin-order">
          <p className="text-gray-200" data-testid="admin-order-terms">
            {order.symbol} {order.side === 'buy' ? 'compra' : 'venda'} {formatQuantity(order.quantity)}
            {order.price === null ? ' a mercado' : ` a ${formatPrice(order.price)}`}, executada{' '}
            {formatQuantity(order.filledQuantity)}: {orderStatusText(order.status, order.statusReason)}
          </p>
          <p className="text-gray-400" data-testid="admin-order-owner">
            de {found.view.account.name}
            {found.view.account.email === null ? '' : ` (${found.view.account.email})`}
          </p>
          <OrderTimelineList steps={found.timeline.items} placedAt={order.createdAt} />
          {found.timeline.nextCursor !== null && <p className="text-muted">(mais passos além destes 500)</p>}
        </div>
      )}
    </section>
  );
}
