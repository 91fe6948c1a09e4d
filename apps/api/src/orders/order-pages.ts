import { DONE_STATUSES, OPEN_STATUSES, type OrderView } from '@bolsa/contracts';
import { ApiError } from '../errors/api-error.js';
import { clientOrderId, decodeCursor, encodeCursor, oneOf, pageLimit } from '../errors/query-params.js';
import type { HistoryStore } from './history.store.js';
import { rowToOrderView } from './order-view.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The query parameters a list of one account's orders takes, unchecked. */
export interface OrderListQuery {
  readonly status?: string | undefined;
  readonly symbol?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit?: string | undefined;
  readonly clientOrderId?: string | undefined;
}

export function checkedSymbol(symbol: string | undefined): string | undefined {
  if (symbol !== undefined && !/^[A-Z0-9]{1,12}$/.test(symbol)) {
    throw ApiError.validation([{ field: 'symbol', code: 'invalid', message: 'symbol must be like PETR4' }]);
  }
  return symbol;
}

/** One page of an account's orders, newest first: its owner's (`/api/me/orders`) or, for support, an admin's. */
export async function orderPage(
  history: HistoryStore,
  accountId: string,
  query: OrderListQuery,
): Promise<Page<OrderView>> {
  const size = pageLimit(query.limit);
  const which = oneOf('status', query.status, ['open', 'done'] as const);
  const position = decodeCursor(query.cursor, ['time', 'uuid']);
  const rows = await history.orders(accountId, {
    statuses: which === undefined ? undefined : which === 'open' ? OPEN_STATUSES : DONE_STATUSES,
    symbol: checkedSymbol(query.symbol),
    clientOrderId: clientOrderId(query.clientOrderId),
    before: position === undefined ? undefined : { createdAt: new Date(position[0]!), id: position[1]! },
    limit: size,
  });
  const last = rows.at(-1);
  return {
    items: rows.map(rowToOrderView),
    nextCursor:
      rows.length === size && last !== undefined ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
  };
}
