import { Inject, Injectable } from '@nestjs/common';
import {
  formatCents,
  formatQuantity,
  type MonthlyTradesView,
  type MyTradeView,
  type OrderStatus,
  type Side,
} from '@bolsa/contracts';
import { utcTimestamp } from '../database/columns.js';
import { SqlPool } from '../database/sql-pool.js';
import type { OrderRow } from './order-view.js';

export interface OrderFilter {
  readonly statuses?: readonly OrderStatus[] | undefined;
  readonly symbol?: string | undefined;
  readonly clientOrderId?: string | undefined;
  /** Keyset position of the previous page's last order. */
  readonly before?: { createdAt: Date; id: string } | undefined;
  readonly limit: number;
}

export interface TradeFilter {
  readonly symbol?: string | undefined;
  /** One order's fills. */
  readonly orderId?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly before?: { executedAt: Date; tradeId: string; role: string } | undefined;
  readonly limit: number;
}

interface MyTradeRow {
  id: string;
  symbol: string;
  sequence: number;
  price: string;
  quantity: string;
  aggressor_side: Side;
  executed_at: Date;
  role: 'maker' | 'taker';
  /** The side the account took: the aggressor's as the taker, the other as the maker. */
  side: Side;
  order_id: string;
  fee: string;
  /** What the shares cost, on the selling side of a trade that recorded it. */
  sale_cost: string | null;
}

export function toMyTradeView(row: MyTradeRow): MyTradeView {
  const notional = BigInt(row.price) * BigInt(row.quantity);
  const realized = row.sale_cost === null ? null : notional - BigInt(row.fee) - BigInt(row.sale_cost);
  return {
    tradeId: row.id,
    symbol: row.symbol,
    price: formatCents(Number(row.price)),
    quantity: formatQuantity(Number(row.quantity)),
    aggressorSide: row.aggressor_side,
    executedAt: row.executed_at.toISOString(),
    sequence: row.sequence,
    orderId: row.order_id,
    side: row.side,
    role: row.role,
    notional: formatCents(Number(notional)),
    fee: formatCents(Number(row.fee)),
    realizedProfit: realized === null ? null : formatCents(Number(realized)),
  };
}

/**
 * The trades of account $1, one row per side it took (both sides of a self-trade), with that side, its fee and,
 * on the selling side, what the shares cost.
 */
const MY_TRADES = `(
  SELECT id, symbol, sequence, price, quantity, aggressor_side, executed_at, 'maker' AS role,
         CASE WHEN aggressor_side = 'buy' THEN 'sell' ELSE 'buy' END AS side,
         maker_order_id AS order_id, maker_fee AS fee,
         CASE WHEN aggressor_side = 'buy' THEN seller_cost END AS sale_cost
    FROM trades WHERE maker_account_id = $1
  UNION ALL
  SELECT id, symbol, sequence, price, quantity, aggressor_side, executed_at, 'taker' AS role,
         aggressor_side AS side,
         taker_order_id AS order_id, taker_fee AS fee,
         CASE WHEN aggressor_side = 'sell' THEN seller_cost END AS sale_cost
    FROM trades WHERE taker_account_id = $1
)`;

/** A trader's own orders and trades, newest first, a page at a time (keyset pagination: stable under inserts). */
@Injectable()
export class HistoryStore {
  constructor(@Inject(SqlPool) private readonly sql: SqlPool) {}

  async orders(accountId: string, filter: OrderFilter): Promise<OrderRow[]> {
    const { rows } = await this.sql.query<OrderRow>(
      `SELECT * FROM orders
        WHERE account_id = $1 AND ($2::text[] IS NULL OR status = ANY($2)) AND ($3::text IS NULL OR symbol = $3)
          AND ($4::timestamp IS NULL OR (created_at, id) < ($4, $5::uuid))
          AND ($7::text IS NULL OR client_order_id = $7)
        ORDER BY created_at DESC, id DESC LIMIT $6`,
      [
        accountId,
        filter.statuses ?? null,
        filter.symbol ?? null,
        filter.before === undefined ? null : utcTimestamp(filter.before.createdAt),
        filter.before?.id ?? null,
        filter.limit,
        filter.clientOrderId ?? null,
      ],
    );
    return rows;
  }

  /** Both sides of a self-trade appear, once as maker and once as taker. */
  async trades(accountId: string, filter: TradeFilter): Promise<MyTradeView[]> {
    const { rows } = await this.sql.query<MyTradeRow>(
      `SELECT * FROM ${MY_TRADES} mine
       WHERE ($2::text IS NULL OR symbol = $2) AND ($3::timestamp IS NULL OR executed_at >= $3)
         AND ($4::timestamp IS NULL OR executed_at < $4)
         AND ($5::timestamp IS NULL OR (executed_at, id, role) < ($5, $6::text, $7::text))
         AND ($9::uuid IS NULL OR order_id = $9)
       ORDER BY executed_at DESC, id DESC, role DESC LIMIT $8`,
      [
        accountId,
        filter.symbol ?? null,
        filter.from === undefined ? null : utcTimestamp(filter.from),
        filter.to === undefined ? null : utcTimestamp(filter.to),
        filter.before === undefined ? null : utcTimestamp(filter.before.executedAt),
        filter.before?.tradeId ?? null,
        filter.before?.role ?? null,
        filter.limit,
        filter.orderId ?? null,
      ],
    );
    return rows.map(toMyTradeView);
  }
  /**
   * Per calendar month in `timeZone` (the exchange's), newest first: what was bought and sold, the fees, and the
   * realized profit of the sales that recorded their cost.
   */
  async monthly(accountId: string, timeZone: string, months: number): Promise<MonthlyTradesView[]> {
    const { rows } = await this.sql.query<{
      month: string;
      purchases: string;
      sales: string;
      fees: string;
      realized: string;
    }>(
      `SELECT to_char(date_trunc('month', (executed_at AT TIME ZONE 'UTC') AT TIME ZONE $2), 'YYYY-MM') AS month,
              sum(price * quantity) FILTER (WHERE side = 'buy') AS purchases,
              sum(price * quantity) FILTER (WHERE side = 'sell') AS sales,
              sum(fee) AS fees,
              COALESCE(sum(price * quantity - fee - sale_cost) FILTER (WHERE sale_cost IS NOT NULL), 0) AS realized
         FROM ${MY_TRADES} mine
        GROUP BY 1 ORDER BY 1 DESC LIMIT $3`,
      [accountId, timeZone, months],
    );
    const money = (value: string | null) => formatCents(BigInt(value ?? '0'));
    return rows.map((row) => ({
      month: row.month,
      purchases: money(row.purchases),
      sales: money(row.sales),
      fees: money(row.fees),
      realizedProfit: money(row.realized),
    }));
  }
}
