import { Inject, Injectable } from '@nestjs/common';
import { EngineEvent } from '@bolsa/contracts';
import { SqlPool } from '../database/sql-pool.js';
import type { FillRow } from './order-timeline.js';

/** The stored side of an order's timeline: its own engine events and its fills, each in sequence order. */
@Injectable()
export class OrderTimelineStore {
  constructor(@Inject(SqlPool) private readonly sql: SqlPool) {}

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
