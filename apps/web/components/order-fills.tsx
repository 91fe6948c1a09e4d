'use client';
import type { MyTradeView } from '@bolsa/contracts';
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { summarizeFills } from '../lib/fills';
import { formatBRL, formatPrice, formatQuantity, formatTime } from '../lib/format';
import type { Page } from '../lib/pages';

/** The most fills listed for one order (the API's largest page). */
const MOST_FILLS = 500;

/**
 * One order's fills, under its row in the orders table: each execution and what they add up to, the average price
 * above all, which the order itself does not say. Fetched again when `version` moves (a new fill).
 */
export function OrderFills({ orderId, columns, version }: { orderId: string; columns: number; version: number }) {
  const [fills, setFills] = useState<MyTradeView[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let current = true;
    api<Page<MyTradeView>>('GET', `/api/me/trades?orderId=${orderId}&limit=${MOST_FILLS}`)
      .then((page) => {
        if (!current) return;
        setFills([...page.items].reverse());
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
