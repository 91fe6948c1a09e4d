'use client';
import type { MyTradeView, OrderView } from '@bolsa/contracts';
import { useEffect, useId, useState } from 'react';
import { api, ApiFailure } from '../lib/api';
import {
  centsOf,
  decimalInput,
  formatBRL,
  formatPrice,
  formatQuantity,
  formatTime,
  signTone,
  wholeInput,
} from '../lib/format';
import { retrying } from '../lib/retrying';
import { myListPath, withNewestPage, withOlderPage, type MyList, type MyListPage } from '../lib/my-lists';
import type { Page } from '../lib/pages';
import {
  amendFailureText,
  answerFieldTexts,
  cancelFailureText,
  MORE_FAILED_TEXT,
  NO_ANSWER_TEXT,
} from '../lib/error-text';
import { LoadMore } from './load-more';
import { CELL, ORDER_HEADERS, OrderRow, type AmendDraft } from './order-row';
import { TabList, TabPanel } from './tabs';

type Tab = MyList;
const TABS: readonly Tab[] = ['open', 'done', 'trades'];
const TAB_NAMES: Record<Tab, string> = { open: 'Ordens abertas', done: 'Histórico', trades: 'Meus negócios' };

/**
 * The trader's open orders (cancel, amend in place), order history and trades, of every symbol or only the one on
 * screen (`symbol`); refreshed when `version` moves.
 */
export function MyOrders({ version, symbol }: { version: number; symbol: string }) {
  const [tab, setTab] = useState<Tab>('open');
  const idPrefix = useId();
  const [onlySymbol, setOnlySymbol] = useState(false);
  const filterSymbol = onlySymbol ? symbol : null;
  const [listing, setListing] = useState<MyListPage | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [editing, setEditing] = useState<AmendDraft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refresh, setRefresh] = useState(0);
  const [confirmingCancelAll, setConfirmingCancelAll] = useState(false);
  /** The order whose fills are listed under it. */
  const [detailsShown, setDetailsShown] = useState<string | null>(null);
  /** The tab's list once it has arrived (so an empty list says so only once it is known to be empty). */
  const shown = listing?.list === tab && listing.symbol === filterSymbol ? listing : null;
  const orders = shown !== null && shown.list !== 'trades' ? shown.items : [];
  const trades = shown?.list === 'trades' ? shown.items : [];
  const shownCount = shown?.items.length ?? 0;
  /** Every order of the list is listed: none is on a page not loaded yet. */
  const allListed = shown?.nextCursor === null;

  // Fetched again when something changed: the first page takes its place and older pages loaded stay. Asked again
  // until the API answers, or the list would stay empty, saying nothing, until the next order event.
  useEffect(() => {
    const newestPage = () => fetchPage(tab, null, filterSymbol, shownCount);
    return retrying(newestPage, (newest) => setListing((listed) => withNewestPage(listed, newest)));
    // The count shown only sizes the page fetched (open orders): it is no reason to fetch again.
  }, [tab, filterSymbol, version, refresh]);

  /** Another list: a message about the one left (a cancel, a page, an amend that failed) is not about this one. */
  function selectTab(next: Tab) {
    setTab(next);
    setErrors({});
  }

  async function loadMore() {
    const after = shown?.nextCursor ?? null;
    if (shown === null || after === null) return;
    setLoadingMore(true);
    try {
      const older = await fetchPage(shown.list, after, shown.symbol);
      setListing((listed) => withOlderPage(listed, after, older));
      setErrors({});
    } catch {
      // The button stays, to be pressed again.
      setErrors({ form: MORE_FAILED_TEXT });
    } finally {
      setLoadingMore(false);
    }
  }

  /** Sends a cancel; one that did not go through is said under the list (a trader must not think it did). */
  async function cancelled(request: Promise<unknown>) {
    try {
      await request;
      setErrors({});
    } catch (error) {
      setErrors({ form: cancelFailureText(error) });
    }
    setRefresh((n) => n + 1);
  }

  function cancel(orderId: string) {
    return cancelled(api('DELETE', `/api/orders/${orderId}`));
  }

  /** Every open order listed at once (of the symbol, if only its are), after a second click to confirm. */
  async function cancelAll() {
    if (!confirmingCancelAll) return setConfirmingCancelAll(true);
    setConfirmingCancelAll(false);
    const only = filterSymbol === null ? '' : `?symbol=${encodeURIComponent(filterSymbol)}`;
    await cancelled(api('DELETE', `/api/orders${only}`));
  }

  async function amend() {
    if (editing === null) return;
    const original = orders.find((order) => order.orderId === editing.orderId);
    const body: Record<string, string> = {};
    // A field is sent when it says something other than the order does, however it is written ("35,10" = "35.10");
    // what does not read as a price is sent as typed, for the API to say what is wrong with it.
    const changed = (typed: string, current: string | null | undefined) => {
      const text = decimalInput(typed);
      const cents = centsOf(text);
      return cents === null ? text !== (current ?? '') : cents !== centsOf(current);
    };
    if (changed(editing.price, original?.price)) body['price'] = decimalInput(editing.price);
    if (changed(editing.stopPrice, original?.stopPrice)) body['stopPrice'] = decimalInput(editing.stopPrice);
    if (changed(editing.trailingOffset, original?.trailingOffset)) {
      body['trailingOffset'] = decimalInput(editing.trailingOffset);
    }
    if (wholeInput(editing.quantity) !== original?.quantity) body['quantity'] = wholeInput(editing.quantity);
    if (editing.expiresOn !== '' && editing.expiresOn !== original?.expiresOn) body['expiresOn'] = editing.expiresOn;
    if (Object.keys(body).length === 0) return setEditing(null);
    try {
      await api('PATCH', `/api/orders/${editing.orderId}`, body);
      setEditing(null);
      setErrors({});
      setRefresh((n) => n + 1);
    } catch (error) {
      if (!(error instanceof ApiFailure)) return setErrors({ form: NO_ANSWER_TEXT });
      const byField = answerFieldTexts(error, { filled: original?.filledQuantity }, true);
      setErrors({ ...byField, form: amendFailureText(error) });
    }
  }

  return (
    <section className="rounded border border-edge bg-panel" aria-label="Minhas ordens" data-testid="my-orders">
      <div className="flex flex-wrap items-center gap-1 border-b border-edge px-2 py-1">
        <TabList idPrefix={idPrefix} tabs={TABS} names={TAB_NAMES} selected={tab} onSelect={selectTab} />
        <label className="ml-2 flex items-center gap-1 whitespace-nowrap text-xs text-gray-400">
          <input type="checkbox" checked={onlySymbol} onChange={(event) => setOnlySymbol(event.target.checked)} />
          Só {symbol}
        </label>
        {tab === 'open' && orders.length > 0 && (
          <button
            type="button"
            onClick={() => void cancelAll()}
            onBlur={() => setConfirmingCancelAll(false)}
            className={`ml-auto whitespace-nowrap rounded px-2 py-0.5 text-xs ${
              confirmingCancelAll ? 'bg-sell text-gray-950' : 'text-gray-400 hover:bg-gray-800'
            }`}
          >
            {confirmingCancelAll ? `Confirmar: cancelar ${allListed ? orders.length : 'todas'}` : 'Cancelar todas'}
          </button>
        )}
      </div>
      <TabPanel idPrefix={idPrefix} selected={tab} className="max-h-[260px] overflow-auto">
        {tab === 'trades' ? (
          <table className="num w-full text-xs" data-testid="my-trades">
            <thead className="text-[10px] uppercase text-muted">
              <tr>
                {['Hora', 'Ativo', 'Lado', 'Qtd', 'Preço', 'Total', 'Taxa', 'Resultado'].map((h) => (
                  <th key={h} className={`${CELL} text-left font-normal`}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown !== null && trades.length === 0 && emptyRow(8, 'Nenhum negócio ainda.')}
              {trades.map((trade) => (
                <tr key={`${trade.tradeId}-${trade.role}`}>
                  <td className={CELL}>{formatTime(trade.executedAt)}</td>
                  <td className={CELL}>{trade.symbol}</td>
                  <td className={`${CELL} ${trade.side === 'buy' ? 'text-buy' : 'text-sell'}`}>
                    {trade.side === 'buy' ? 'compra' : 'venda'}
                  </td>
                  <td className={CELL}>{formatQuantity(trade.quantity)}</td>
                  <td className={CELL}>{formatPrice(trade.price)}</td>
                  <td className={CELL}>{formatBRL(trade.notional)}</td>
                  <td className={CELL}>{formatBRL(trade.fee)}</td>
                  <td
                    className={`${CELL} ${signTone(centsOf(trade.realizedProfit))}`}
                    title="Numa venda: o total, menos a taxa, menos o custo médio das ações vendidas"
                    data-testid="trade-result"
                  >
                    {formatBRL(trade.realizedProfit)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <table className="num w-full text-xs" data-testid={tab === 'open' ? 'open-orders' : 'order-history'}>
            <thead className="text-[10px] uppercase text-muted">
              <tr>
                {ORDER_HEADERS.map((h) => (
                  <th key={h} className={`${CELL} text-left font-normal`}>
                    {/* The actions column has buttons, not a heading to show: screen readers still hear its name. */}
                    {h === 'Ações' ? <span className="sr-only">{h}</span> : h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown !== null &&
                orders.length === 0 &&
                emptyRow(
                  ORDER_HEADERS.length,
                  tab === 'open' ? 'Nenhuma ordem aberta.' : 'Nenhuma ordem encerrada ainda.',
                )}
              {orders.map((order) => (
                <OrderRow
                  key={order.orderId}
                  order={order}
                  open={tab === 'open'}
                  editing={editing?.orderId === order.orderId ? editing : null}
                  onEdit={setEditing}
                  onAmend={() => void amend()}
                  onCancel={() => void cancel(order.orderId)}
                  detailsShown={detailsShown === order.orderId}
                  onToggleDetails={() => setDetailsShown(detailsShown === order.orderId ? null : order.orderId)}
                  version={version}
                />
              ))}
            </tbody>
          </table>
        )}
        {shown !== null && shown.nextCursor !== null && (
          <LoadMore loading={loadingMore} onLoad={() => void loadMore()} />
        )}
        {Object.values(errors).length > 0 && (
          <p role="alert" className="px-2 py-1 text-xs text-rose-400">
            {Object.values(errors)[0]}
          </p>
        )}
      </TabPanel>
    </section>
  );
}

function fetchPage(list: MyList, cursor: string | null, symbol: string | null, shown = 0): Promise<MyListPage> {
  const path = myListPath(list, cursor, symbol, shown);
  return list === 'trades'
    ? api<Page<MyTradeView>>('GET', path).then((page) => ({ ...page, list, symbol }))
    : api<Page<OrderView>>('GET', path).then((page) => ({ ...page, list, symbol }));
}

function emptyRow(columns: number, text: string) {
  return (
    <tr>
      <td colSpan={columns} className="px-2 py-3 text-center text-muted" data-testid="empty-list">
        {text}
      </td>
    </tr>
  );
}
