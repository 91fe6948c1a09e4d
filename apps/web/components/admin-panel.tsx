'use client';
import type { AdminSummary, PlatformHealth, TradeView } from '@bolsa/contracts';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../lib/api';
import { retrying } from '../lib/retrying';
import { formatBRL, formatPrice, formatQuantity, formatTime } from '../lib/format';
import { foldStats, tradesPerSecond, type InstrumentStats } from '../lib/trade-stats';
import { addTrades, tapeColour, tapeText } from '../lib/trades';
import { useEventStream, type StreamEvent } from '../lib/use-event-stream';
import { ConnectionDot } from './connection-dot';
import { AdminAccounts } from './admin-accounts';
import { AdminActionsLog } from './admin-actions-log';
import { AdminOrderLookup } from './admin-order-lookup';
import { EndOfDayButton } from './end-of-day-button';
import { ScrollArea } from './scroll-area';
import { ReconciliationPanel } from './reconciliation-panel';
import { useRequiredAccount } from './session';
import { TradingControls } from './trading-controls';

/** Every trade on the exchange as it happens, rates and volume per instrument, last prices and platform health. */
export function AdminPanel() {
  const account = useRequiredAccount();
  const isAdmin = account?.role === 'admin';
  const [trades, setTrades] = useState<TradeView[]>([]);
  const [stats, setStats] = useState<Map<string, InstrumentStats>>(new Map());
  const [arrivals, setArrivals] = useState<number[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const [summary, setSummary] = useState<AdminSummary | null>(null);
  const [health, setHealth] = useState<PlatformHealth | null>(null);

  const [tradeSeen, setTradeSeen] = useState(0);
  /** Moves when an action is taken here, so that the administrators' log shows it at once. */
  const [actionsVersion, setActionsVersion] = useState(0);
  const acted = useCallback(() => setActionsVersion((n) => n + 1), []);

  const loadFigures = useCallback(() => {
    void api<AdminSummary>('GET', '/api/admin/summary')
      .then(setSummary)
      .catch(() => undefined);
    void api<PlatformHealth>('GET', '/api/admin/health')
      .then(setHealth)
      .catch(() => setHealth(null));
  }, []);

  // The figures are re-read a second after trades arrive, and every 5 s regardless.
  useEffect(() => {
    if (!isAdmin || tradeSeen === 0) return;
    const timer = setTimeout(loadFigures, 1000);
    return () => clearTimeout(timer);
  }, [isAdmin, tradeSeen, loadFigures]);

  useEffect(() => {
    if (!isAdmin) return;
    loadFigures();
    const timer = setInterval(loadFigures, 5000);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      clearInterval(timer);
      clearInterval(tick);
    };
  }, [isAdmin, loadFigures]);

  // The panel opens on the latest trades of every instrument, then follows the live stream (and opens on them again
  // when the stream could not replay what the panel missed).
  const [tradesEpoch, setTradesEpoch] = useState(0);
  useEffect(() => {
    if (!isAdmin) return;
    const latest = async () => {
      const instruments = await api<Array<{ symbol: string }>>('GET', '/api/instruments');
      return Promise.all(instruments.map((i) => api<TradeView[]>('GET', `/api/markets/${i.symbol}/trades?limit=50`)));
    };
    return retrying(latest, (lists) => {
      const recent = lists.flat().sort((a, b) => Date.parse(a.executedAt) - Date.parse(b.executedAt));
      setTrades((live) => addTrades(addTrades([], recent, 200), [...live].reverse(), 200));
    });
  }, [isAdmin, tradesEpoch]);

  const onTrades = useCallback((events: StreamEvent[]) => {
    const arrived = events.map((event) => event.data as TradeView);
    const at = Date.now();
    setTrades((current) => addTrades(current, arrived, 200));
    setStats((current) => foldStats(current, arrived));
    setArrivals((current) => [...arrived.map(() => at), ...current].filter((t) => at - t <= 60_000));
    setTradeSeen((n) => n + 1);
  }, []);
  const reloadTrades = useCallback(() => setTradesEpoch((n) => n + 1), []);
  const state = useEventStream(isAdmin ? '/api/stream/trades' : null, ['trade'], onTrades, reloadTrades);

  if (account === null) return null;
  if (!isAdmin) return <p className="mt-10 text-center text-gray-400">Este painel é só para administradores.</p>;

  const board = summary?.instruments ?? [];
  const live = (symbol: string) => stats.get(symbol);
  const status = (up: boolean | null, label: string) => (
    <span
      className={`rounded px-2 py-0.5 text-xs ${up === null ? 'bg-gray-700' : up ? 'bg-emerald-700/60' : 'bg-rose-700/60'}`}
    >
      {label}
    </span>
  );
  return (
    <div data-testid="admin-panel" className="flex flex-col gap-3">
      <section className="flex flex-wrap items-center gap-4 rounded border border-edge bg-panel px-3 py-2">
        <h1 className="text-base font-semibold text-white">Painel de negócios</h1>
        <span className="num text-sm" data-testid="trades-per-second">
          {tradesPerSecond(arrivals, now).toFixed(1).replace('.', ',')} negócios/s
        </span>
        <span className="ml-auto flex items-center gap-2" data-testid="health">
          {status(health === null ? null : true, 'API')}
          {status(health === null ? null : health.database.status === 'up', 'Banco')}
          {status(
            health === null || health.engine.status === 'unknown' ? null : health.engine.status === 'up',
            'Motor',
          )}
          <ConnectionDot label="negócios" state={state} />
        </span>
      </section>
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-[minmax(0,1fr)_420px]">
        <section className="rounded border border-edge bg-panel" aria-label="Todos os negócios">
          <h2 className="border-b border-edge px-2 py-1.5 text-xs font-semibold uppercase tracking-wide text-gray-400">
            Negócios ao vivo
          </h2>
          <ScrollArea label="Últimos negócios" className="max-h-[640px] overflow-auto">
            <table className="num w-full text-xs" data-testid="admin-trades">
              <thead className="text-[10px] uppercase text-muted">
                <tr>
                  {['Hora', 'Ativo', 'Preço', 'Qtd', 'Agressor'].map((h) => (
                    <th key={h} className="px-2 py-1 text-left font-normal">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {trades.map((trade) => (
                  <tr key={trade.tradeId} className={tapeColour(trade)}>
                    <td className="px-2 py-0.5 text-gray-400">{formatTime(trade.executedAt)}</td>
                    <td className="px-2 py-0.5 text-gray-200">{trade.symbol}</td>
                    <td className="px-2 py-0.5">{formatPrice(trade.price)}</td>
                    <td className="px-2 py-0.5">{formatQuantity(trade.quantity)}</td>
                    <td className="px-2 py-0.5">{tapeText(trade)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
        </section>
        <div className="flex flex-col gap-3">
          <section className="rounded border border-edge bg-panel" aria-label="Cotações">
            <h2 className="border-b border-edge px-2 py-1.5 text-xs font-semibold uppercase tracking-wide text-gray-400">
              Último preço e totais por ativo
            </h2>
            <table className="num w-full text-xs" data-testid="price-board">
              <thead className="text-[10px] uppercase text-muted">
                <tr>
                  <th className="px-2 py-1 text-left font-normal">Ativo</th>
                  <th className="px-2 py-1 text-right font-normal">Último</th>
                  <th className="px-2 py-1 text-right font-normal">Negócios</th>
                  <th className="px-2 py-1 text-right font-normal">Volume</th>
                  <th className="px-2 py-1 text-right font-normal">Financeiro</th>
                </tr>
              </thead>
              <tbody>
                {board.map((row) => (
                  <tr key={row.symbol} data-testid={`board-${row.symbol}`}>
                    <td className="px-2 py-0.5 text-gray-200">{row.symbol}</td>
                    <td className="px-2 py-0.5 text-right">{formatPrice(live(row.symbol)?.last ?? row.last)}</td>
                    <td className="px-2 py-0.5 text-right">{row.trades}</td>
                    <td className="px-2 py-0.5 text-right">{formatQuantity(row.volume)}</td>
                    <td className="px-2 py-0.5 text-right">{formatBRL(row.turnover)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="px-2 py-1 text-[10px] text-muted">Negócios, volume e financeiro desde o início da bolsa.</p>
          </section>
          <section className="rounded border border-edge bg-panel p-3 text-xs" aria-label="Resumo">
            <h2 className="mb-2 font-semibold uppercase tracking-wide text-gray-400">Resumo</h2>
            <dl className="num grid grid-cols-2 gap-y-1">
              <dt className="text-gray-400">Traders</dt>
              <dd className="text-right">{summary?.accounts.traders ?? '—'}</dd>
              <dt className="text-gray-400">Contas suspensas</dt>
              <dd className="text-right" data-testid="summary-suspended">
                {summary?.accounts.suspended ?? '—'}
              </dd>
              <dt className="text-gray-400">Caixa disponível</dt>
              <dd className="text-right">{formatBRL(summary?.cash.available)}</dd>
              <dt className="text-gray-400">Caixa bloqueado</dt>
              <dd className="text-right">{formatBRL(summary?.cash.held)}</dd>
              <dt className="text-gray-400">Taxas arrecadadas</dt>
              <dd className="text-right">{formatBRL(summary?.cash.feesCollected)}</dd>
              {/* Counted from the live stream: the trades since this page opened, not the trading day's. */}
              <dt className="text-gray-400">Volume desde que o painel abriu</dt>
              <dd className="text-right">
                {formatQuantity([...stats.values()].reduce((sum, s) => sum + s.volume, 0))}
              </dd>
              <dt className="text-gray-400">Último evento do motor</dt>
              <dd className="text-right">
                {health?.ingestion.lastEventAt ? formatTime(health.ingestion.lastEventAt) : '—'}
              </dd>
            </dl>
            <EndOfDayButton onClosed={acted} />
          </section>
          {isAdmin && <TradingControls onSwitched={acted} />}
          <ReconciliationPanel />
          <AdminOrderLookup />
          <AdminAccounts onChanged={acted} />
          <AdminActionsLog version={actionsVersion} />
        </div>
      </div>
    </div>
  );
}
