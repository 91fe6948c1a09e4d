import { Inject, Injectable } from '@nestjs/common';
import { formatCents, MAX_ACTIVE_PRICE_ALERTS, type PriceAlertCondition, type PriceAlertView } from '@bolsa/contracts';
import { SqlPool } from '../database/sql-pool.js';
import { ApiError } from '../errors/api-error.js';

interface PriceAlertRow {
  id: string;
  symbol: string;
  condition: PriceAlertCondition;
  price: string;
  created_at: Date;
  triggered_at: Date | null;
  trigger_price: string | null;
}

const COLUMNS = 'id, symbol, condition, price, created_at, triggered_at, trigger_price';
/** Waiting alerts first, then those set off; the newest first in each. */
const LISTED = `SELECT ${COLUMNS} FROM price_alerts WHERE account_id = $1
                 ORDER BY triggered_at IS NULL DESC, COALESCE(triggered_at, created_at) DESC, id LIMIT $2`;
/** Set-off alerts stay until deleted; a list shows this many at most (the waiting ones are fewer than it). */
const LISTED_AT_MOST = 100;

function toView(row: PriceAlertRow): PriceAlertView {
  return {
    id: row.id,
    symbol: row.symbol,
    condition: row.condition,
    price: formatCents(BigInt(row.price)),
    createdAt: row.created_at.toISOString(),
    triggeredAt: row.triggered_at?.toISOString() ?? null,
    triggerPrice: row.trigger_price === null ? null : formatCents(BigInt(row.trigger_price)),
  };
}

/**
 * Traders' price alerts. They are set off by ingestion, in the transaction that stores the trade (see batch-write),
 * which notifies the account's stream.
 */
@Injectable()
export class PriceAlerts {
  constructor(@Inject(SqlPool) private readonly sql: SqlPool) {}

  /** A new waiting alert, unless the account already has as many waiting as it may (`409 too_many_alerts`). */
  async create(
    accountId: string,
    alert: { symbol: string; condition: PriceAlertCondition; price: number },
  ): Promise<PriceAlertView> {
    return this.sql.transaction(async (tx) => {
      // One account's creations one at a time, so that two at once cannot both pass the count.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('price_alerts:' || $1))`, [accountId]);
      const { rows: counted } = await tx.query<{ waiting: number }>(
        'SELECT count(*)::int AS waiting FROM price_alerts WHERE account_id = $1 AND triggered_at IS NULL',
        [accountId],
      );
      if ((counted[0]?.waiting ?? 0) >= MAX_ACTIVE_PRICE_ALERTS) {
        throw new ApiError(
          'too_many_alerts',
          `an account may have ${MAX_ACTIVE_PRICE_ALERTS} price alerts waiting at once: delete one first`,
          { limit: MAX_ACTIVE_PRICE_ALERTS },
        );
      }
      const { rows } = await tx.query<PriceAlertRow>(
        `INSERT INTO price_alerts (id, account_id, symbol, condition, price) VALUES (gen_random_uuid(), $1, $2, $3, $4)
         RETURNING ${COLUMNS}`,
        [accountId, alert.symbol, alert.condition, alert.price],
      );
      return toView(rows[0]!);
    });
  }

  /** The account's alerts: waiting ones first, then those set off, newest first in each. */
  async list(accountId: string): Promise<PriceAlertView[]> {
    const { rows } = await this.sql.query<PriceAlertRow>(LISTED, [accountId, LISTED_AT_MOST]);
    return rows.map(toView);
  }

  /** Deletes one of the account's alerts, waiting or set off; anyone else's is `not_found`, as a missing one is. */
  async delete(accountId: string, alertId: string): Promise<void> {
    const { rowCount } = await this.sql.query('DELETE FROM price_alerts WHERE id = $1 AND account_id = $2', [
      alertId,
      accountId,
    ]);
    if (rowCount === 0) throw new ApiError('not_found', 'no such price alert');
  }
}
