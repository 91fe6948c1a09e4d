'use client';
import type { MonthlyTradesView } from '@bolsa/contracts';
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { retrying } from '../lib/retrying';
import { centsOf, formatBRL, signTone } from '../lib/format';

const MONTHS = new Intl.DateTimeFormat('pt-BR', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "2026-12" → "dez. de 2026" */
function monthName(month: string): string {
  return MONTHS.format(new Date(`${month}-01T00:00:00Z`));
}

/**
 * What a Brazilian investor's tax return asks for, month by month: purchases, sales (the monthly total decides the
 * exemption), fees and the realized result; and every trade as CSV. Read again when the wallet changes (`version`).
 */
export function TaxSummary({ version }: { version: number }) {
  const [months, setMonths] = useState<MonthlyTradesView[] | null>(null);
  useEffect(() => retrying(() => api<MonthlyTradesView[]>('GET', '/api/me/trades/monthly'), setMonths), [version]);

  const cell = 'py-0.5 text-right';
  return (
    <section className="rounded border border-edge bg-panel p-3" aria-label="Imposto de renda">
      <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-gray-400">Imposto de renda</h2>
      {months !== null && months.length === 0 ? (
        <p className="text-xs text-muted">Nenhum negócio ainda.</p>
      ) : (
        <table className="num w-full text-xs" data-testid="tax-months">
          <thead className="text-[10px] uppercase text-muted">
            <tr>
              <th className="py-1 text-left font-normal">Mês</th>
              <th className="py-1 text-right font-normal">Compras</th>
              <th className="py-1 text-right font-normal">Vendas</th>
              <th className="py-1 text-right font-normal">Taxas</th>
              <th className="py-1 text-right font-normal">Resultado</th>
            </tr>
          </thead>
          <tbody>
            {(months ?? []).map((month) => (
              <tr key={month.month} data-testid="tax-month">
                <td className="py-0.5 text-gray-300">{monthName(month.month)}</td>
                <td className={cell}>{formatBRL(month.purchases)}</td>
                <td className={cell}>{formatBRL(month.sales)}</td>
                <td className={cell}>{formatBRL(month.fees)}</td>
                <td className={`${cell} ${signTone(centsOf(month.realizedProfit))}`}>
                  {formatBRL(month.realizedProfit)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <a
        href="/api/me/trades?format=csv"
        download="bolsa-negocios.csv"
        className="mt-2 inline-block text-sm text-sky-300 hover:underline"
        data-testid="trades-csv"
      >
        Baixar todos os meus negócios (CSV)
      </a>
    </section>
  );
}
