'use client';
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { formatDateTime, signTone } from '../lib/format';
import {
  describeEntry,
  entryAmounts,
  ledgerPath,
  statementCsvPath,
  STATEMENT_KINDS,
  STATEMENT_PERIODS,
  type StatementFilter,
  type StatementKind,
  type StatementPage,
  type StatementPeriod,
} from '../lib/statement';
import { withNewest, withOlder } from '../lib/pages';
import { LoadMore } from './load-more';
import { ScrollArea } from './scroll-area';

/** A page listed for one filter: a page that arrives after the filter changed is dropped. */
interface Listed extends StatementPage {
  readonly filter: StatementFilter;
}

const SELECT = 'rounded border border-gray-700 bg-gray-950 px-2 py-1 text-xs';

/**
 * The account statement (extrato): every change of cash and shares, newest first, filtered by kind, asset and
 * period, a page at a time. When the wallet changes (`version`), the newest entries are put on top.
 */
export function Statement({ assets, version }: { assets: readonly string[]; version: number }) {
  const [filter, setFilter] = useState<StatementFilter>({ asset: null, kind: 'movements', period: 'month' });
  const [listed, setListed] = useState<Listed | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let current = true;
    api<StatementPage>('GET', ledgerPath(filter, new Date()))
      .then((newest) => {
        if (!current) return;
        setFailed(false);
        setListed((shown) =>
          shown?.filter === filter
            ? { ...withNewest(shown, newest, (entry) => entry.entryId), filter }
            : { ...newest, filter },
        );
      })
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [filter, version]);

  async function loadMore() {
    if (listed === null || listed.nextCursor === null) return;
    setLoadingMore(true);
    try {
      const older = await api<StatementPage>('GET', ledgerPath(listed.filter, new Date(), listed.nextCursor));
      setListed((shown) =>
        shown?.filter === listed.filter && shown.nextCursor === listed.nextCursor
          ? { ...withOlder(shown, older), filter: shown.filter }
          : shown,
      );
    } catch {
      setFailed(true);
    } finally {
      setLoadingMore(false);
    }
  }

  const shown = listed?.filter === filter ? listed : null;
  return (
    <section className="rounded border border-edge bg-panel" aria-label="Extrato" data-testid="statement">
      <div className="flex flex-wrap items-center gap-2 border-b border-edge px-3 py-2">
        <h2 className="mr-auto text-xs font-semibold uppercase tracking-wide text-gray-400">Extrato</h2>
        <select
          aria-label="Tipo de lançamento"
          className={SELECT}
          value={filter.kind}
          onChange={(event) => setFilter({ ...filter, kind: event.target.value as StatementKind })}
        >
          {Object.entries(STATEMENT_KINDS).map(([kind, { label }]) => (
            <option key={kind} value={kind}>
              {label}
            </option>
          ))}
        </select>
        <select
          aria-label="Ativo"
          className={SELECT}
          value={filter.asset ?? ''}
          onChange={(event) => setFilter({ ...filter, asset: event.target.value === '' ? null : event.target.value })}
        >
          <option value="">Todos os ativos</option>
          <option value="BRL">Dinheiro (R$)</option>
          {assets.map((symbol) => (
            <option key={symbol} value={symbol}>
              {symbol}
            </option>
          ))}
        </select>
        <select
          aria-label="Período"
          className={SELECT}
          value={filter.period}
          onChange={(event) => setFilter({ ...filter, period: event.target.value as StatementPeriod })}
        >
          {Object.entries(STATEMENT_PERIODS).map(([period, label]) => (
            <option key={period} value={period}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {failed && (
        <p role="alert" className="px-3 py-2 text-xs text-rose-400">
          Não foi possível carregar o extrato; tente de novo.
        </p>
      )}
      <ScrollArea label="Lançamentos" className="overflow-x-auto">
        <table className="num w-full min-w-[560px] text-xs" data-testid="statement-entries">
          <thead className="text-[10px] uppercase text-muted">
            <tr>
              <th className="px-3 py-1 text-left font-normal">Data</th>
              <th className="py-1 text-left font-normal">Histórico</th>
              <th className="py-1 text-left font-normal">Ativo</th>
              <th className="py-1 text-right font-normal">Valor</th>
              <th className="py-1 text-right font-normal">Bloqueado</th>
              <th className="px-3 py-1 text-right font-normal">Saldo</th>
            </tr>
          </thead>
          <tbody>
            {shown?.items.map((entry) => {
              const amounts = entryAmounts(entry);
              const colour = signTone(amounts.sign, 'text-muted');
              return (
                <tr key={entry.entryId} className="border-t border-edge/50" data-testid="statement-entry">
                  <td className="whitespace-nowrap px-3 py-1 text-gray-400">{formatDateTime(entry.createdAt)}</td>
                  <td className="py-1 text-gray-200">{describeEntry(entry)}</td>
                  <td className="py-1 text-gray-400">{entry.asset === 'BRL' ? 'R$' : entry.asset}</td>
                  <td className={`py-1 text-right ${colour}`}>{amounts.change}</td>
                  <td className="py-1 text-right text-gray-400">{amounts.held}</td>
                  <td className="px-3 py-1 text-right text-gray-200">{amounts.balance}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollArea>
      {shown !== null && shown.items.length === 0 && (
        <p className="px-3 py-4 text-center text-xs text-muted">Nenhum lançamento neste filtro e período.</p>
      )}
      {shown !== null && shown.nextCursor !== null && <LoadMore loading={loadingMore} onLoad={() => void loadMore()} />}
      {/* Once listed (in the browser, never on the server): its period starts from the browser's today. */}
      {shown !== null && (
        <a
          href={statementCsvPath(shown.filter, new Date())}
          download="bolsa-extrato.csv"
          className="mx-3 mb-2 mt-1 inline-block text-xs text-sky-300 hover:underline"
          data-testid="statement-csv"
        >
          Baixar o extrato deste filtro (CSV)
        </a>
      )}
    </section>
  );
}
