'use client';
import type { ReconciliationView } from '@bolsa/contracts';
import { useState } from 'react';
import { api } from '../lib/api';
import { formatTime } from '../lib/format';

/** What each of the API's checks makes sure of, in the panel's words; a check it does not know shows its description. */
const CHECKS: Record<string, string> = {
  assets_conserved: 'Dinheiro e ações conservados',
  fees_collected: 'Taxas na conta da bolsa',
  nothing_negative: 'Nenhum saldo negativo',
  balances_match_ledger: 'Saldos iguais aos extratos',
  holds_match_orders: 'Bloqueios iguais às ordens vivas',
  finished_orders_hold_nothing: 'Ordens encerradas sem bloqueio',
  sell_holds_exact: 'Vendas bloqueiam o que falta executar',
  trades_settled: 'Negócios liquidados',
  fills_covered_by_holds: 'Execuções cobertas por bloqueios',
  order_fills_match_trades: 'Execuções das ordens iguais aos negócios',
  suspended_accounts_have_no_live_orders: 'Contas suspensas sem ordens vivas',
};

/** The books checked against their rules on demand ("Conciliar agora"): each check, and what breaks it if any. */
export function ReconciliationPanel() {
  const [result, setResult] = useState<ReconciliationView | null>(null);
  const [running, setRunning] = useState(false);
  const [failed, setFailed] = useState(false);

  const run = () => {
    setRunning(true);
    setFailed(false);
    api<ReconciliationView>('GET', '/api/admin/reconciliation')
      .then(setResult)
      .catch(() => setFailed(true))
      .finally(() => setRunning(false));
  };

  return (
    <section className="rounded border border-edge bg-panel p-3 text-xs" aria-label="Conciliação">
      <div className="mb-2 flex items-center gap-2">
        <h2 className="font-semibold uppercase tracking-wide text-gray-400">Conciliação</h2>
        <button
          type="button"
          disabled={running}
          onClick={run}
          className="ml-auto rounded bg-gray-800 px-2 py-0.5 text-sky-300 hover:bg-gray-700 disabled:opacity-50"
        >
          {running ? 'Conciliando…' : 'Conciliar agora'}
        </button>
      </div>
      {failed && <p className="text-rose-400">Não foi possível conciliar.</p>}
      {result === null ? (
        <p className="text-muted">Confere saldos, extratos, bloqueios, ordens e negócios de toda a bolsa.</p>
      ) : (
        <>
          <p data-testid="reconciliation-result" className={result.ok ? 'text-emerald-400' : 'text-rose-400'}>
            {result.ok ? 'Livros conciliados' : 'Divergências encontradas'} às {formatTime(result.checkedAt)} (
            {result.tookMs} ms)
          </p>
          <ul className="mt-1">
            {result.checks.map((check) => (
              <li
                key={check.name}
                data-testid="reconciliation-check"
                title={check.description}
                className={check.ok ? 'text-gray-400' : 'text-rose-300'}
              >
                {check.ok ? '✓' : '✗'} {CHECKS[check.name] ?? check.description}
                {!check.ok && (
                  <details className="ml-3">
                    <summary>
                      {check.faults} {check.faults === 1 ? 'divergência' : 'divergências'}
                    </summary>
                    {check.examples.map((example, index) => (
                      <code key={index} className="block break-all text-[10px] text-gray-400">
                        {JSON.stringify(example)}
                      </code>
                    ))}
                  </details>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
