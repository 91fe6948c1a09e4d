import type { MyTradeView, OrderView } from '@bolsa/contracts';
import { withNewest, type Page } from './pages';

/** The home broker's lists of the trader's own: open orders, finished ones (history) and trades. */
export type MyList = 'open' | 'done' | 'trades';

/** One page of a list, named by the list it belongs to and the one symbol it is about (null: every symbol). */
export type MyListPage =
  | ({ list: 'open' | 'done'; symbol: string | null } & Page<OrderView>)
  | ({ list: 'trades'; symbol: string | null } & Page<MyTradeView>);

export const MY_LIST_PAGE = 100;
/** The most a page may hold (the API's limit). */
export const MAX_PAGE = 500;

/**
 * The path of a list's page from `cursor` on. A first page fetched again for open orders covers all that is shown
 * (up to the API's limit): their status changes, so a kept older page would show orders no longer open. Finished
 * orders and trades do not change once listed, so a first page fetched again need only be one page.
 */
export function myListPath(list: MyList, cursor: string | null, symbol: string | null = null, shown = 0): string {
  const limit = list === 'open' ? Math.min(Math.max(shown, MY_LIST_PAGE), MAX_PAGE) : MY_LIST_PAGE;
  const query = new URLSearchParams(list === 'trades' ? {} : { status: list });
  if (symbol !== null) query.set('symbol', symbol);
  query.set('limit', String(limit));
  if (cursor !== null) query.set('cursor', cursor);
  return `/api/me/${list === 'trades' ? 'trades' : 'orders'}?${query.toString()}`;
}

/** Each listed item's identity: an order by its id, a trade by its id and the trader's side of it. */
export function myListKey(item: OrderView | MyTradeView): string {
  return 'tradeId' in item ? `${item.tradeId}-${item.role}` : item.orderId;
}

/** `withNewest` for the trader's lists: a first page fetched again for the list shown, or the first of another. */
export function withNewestPage(listed: MyListPage | null, newest: MyListPage): MyListPage {
  if (listed === null || listed.symbol !== newest.symbol) return newest;
  const { symbol } = newest;
  if (listed.list === 'trades' && newest.list === 'trades') {
    return { list: 'trades', symbol, ...withNewest(listed, newest, myListKey) };
  }
  if (listed.list !== 'trades' && newest.list === listed.list) {
    return { list: newest.list, symbol, ...withNewest(listed, newest, myListKey) };
  }
  return newest;
}

/** The list with the page after it appended, if it is still the list that page was asked for after. */
export function withOlderPage(listed: MyListPage | null, after: string, older: MyListPage): MyListPage | null {
  if (listed === null || listed.nextCursor !== after || listed.symbol !== older.symbol) return listed;
  const { symbol, nextCursor } = older;
  if (listed.list === 'trades' && older.list === 'trades') {
    return { list: 'trades', symbol, items: [...listed.items, ...older.items], nextCursor };
  }
  if (listed.list !== 'trades' && older.list === listed.list) {
    return { list: older.list, symbol, items: [...listed.items, ...older.items], nextCursor };
  }
  return listed;
}
