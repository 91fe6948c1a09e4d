'use client';
import type { MyTradeView } from '@bolsa/contracts';
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { summarizeFills } from '../lib/fills';
import { formatBRL, formatPrice, formatQuantity, formatTime } from '../lib/format';
import { everyPage } from '../lib/pages';

/** A page of the order's fills (the API's largest), newest first, from `cursor` on. */
function fillsPath(orderId: string, cursor: string | null): string {
  const query = new URLSearchParams({ orderId, limit: '500' });
  if (cursor !== null) query.set('cursor', cursor);
  return `/api/me/trades?${query.toString()}`;
}

/**
 * One order's fills, under its row in the orders table: each execution, and what they add up to (quantity, average
 * price, total and the fees, which the order itself does not show). Fetched again when `version` moves (a new fill).
 */
export function OrderFills({ orderId, columns, version }: { orderId: string; columns: number; version: number }) {
  const [fills, setFills] = useState<MyTradeView[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let current = true;
    everyPage<MyTradeView>((cursor) => api('GET', fillsPath(orderId, cursor)))
      .then((all) => {
        if (!current) return;
        setFills(all.reverse());
        setFailed(false);
      })
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [orderId, version]);

  const summary = fills === null ? null : summarizeFills(fills);
  return (
    <tr data-testid="order-fills">
      <td colSpan={columns} className="bg-gray-950/60 px-3 py-1.5">
        {failed && <p className="text-rose-400">Não foi possível carregar as execuções.</p>}
        {summary !== null && (
          <p className="text-gray-300" data-testid="order-fills-summary">
            {fills!.length === 1 ? '1 execução' : `${fills!.length} execuções`}: {formatQuantity(summary.quantity)} a
            preço médio {formatBRL(summary.averagePrice)}, total {formatBRL(summary.notional)}, taxas{' '}
            {formatBRL(summary.fees)}
          </p>
        )}
        {fills !== null && fills.length > 1 && (
          <ul className="mt-0.5 text-gray-500">
            {fills.map((fill) => (
              <li key={`${fill.tradeId}-${fill.role}`} data-testid="order-fill">
                {formatTime(fill.executedAt)} · {formatQuantity(fill.quantity)} a {formatPrice(fill.price)} · taxa{' '}
                {formatBRL(fill.fee)}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
