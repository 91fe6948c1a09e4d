import { Inject, Injectable } from '@nestjs/common';
import { EngineEvent, OrderId } from '@bolsa/contracts';
import { SqlPool } from '../database/sql-pool.js';
import type { FillRow } from './order-timeline.js';

/** Where an order's timeline is read from: its symbol, and how far its events have got. */
export interface TimelineOrder {
  symbol: string;
  created_at: Date;
  /** The sequence of the last engine event applied to the order: none of its fills comes after it. */
  last_sequence: number;
}

/** The stored side of an order's timeline: its own engine events and its fills, each in sequence order. */
@Injectable()
export class OrderTimelineStore {
  constructor(@Inject(SqlPool) private readonly sql: SqlPool) {}

  /** The account's order (any account's with null: an administrator's look), or null; only a UUID names one. */
  async order(accountId: string | null, orderId: string): Promise<TimelineOrder | null> {
    if (!OrderId.safeParse(orderId).success) return null;
    const { rows } = await this.sql.query<TimelineOrder>(
      'SELECT symbol, created_at, last_sequence FROM orders WHERE id = $1 AND ($2::uuid IS NULL OR account_id = $2)',
      [orderId, accountId],
    );
    return rows[0] ?? null;
  }

  /** The order's events after `after`, but for its partial fills' updates (its fills say more). */
  async events(orderId: string, after: number, limit: number): Promise<EngineEvent[]> {
    const { rows } = await this.sql.query<{ payload: unknown }>(
      `SELECT payload FROM engine_events
        WHERE order_id = $1 AND sequence > $2
          AND NOT (type = 'order_updated' AND payload->>'change' = 'partially_filled')
        ORDER BY sequence LIMIT $3`,
      [orderId, after, limit],
    );
    return rows.map((row) => EngineEvent.parse(row.payload));
  }

  /**
   * The order's fills in (after, through]: trades are keyed by (symbol, sequence), so this reads the symbol's trades
   * of that stretch of the order's life and keeps the order's own.
   */
  async fills(orderId: string, symbol: string, after: number, through: number, limit: number): Promise<FillRow[]> {
    const { rows } = await this.sql.query<FillRow>(
      `SELECT id, sequence, price, quantity, executed_at,
              CASE WHEN maker_order_id = $1 THEN 'maker' ELSE 'taker' END AS role,
              CASE WHEN maker_order_id = $1 THEN maker_fee ELSE taker_fee END AS fee
         FROM trades
        WHERE symbol = $2 AND sequence > $3 AND sequence <= $4 AND (maker_order_id = $1 OR taker_order_id = $1)
        ORDER BY sequence LIMIT $5`,
      [orderId, symbol, after, through, limit],
    );
    return rows;
  }
}
