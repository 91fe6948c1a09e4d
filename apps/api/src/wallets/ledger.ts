import type { LedgerReason } from '@bolsa/contracts';
import type { PoolClient } from 'pg';
import { placeholders } from '../database/placeholders.js';

/** Cash is kept under this asset name; positions under their instrument's symbol. */
export const CASH = 'BRL';
/** The exchange's own account (created by the migrations), which fees are credited to. */
export const EXCHANGE_ACCOUNT_ID = '00000000-0000-4000-8000-000000000001';

export interface LedgerRow {
  readonly accountId: string;
  readonly asset: string;
  readonly reason: LedgerReason;
  readonly availableChange: bigint;
  readonly heldChange: bigint;
  readonly availableAfter: bigint;
  readonly heldAfter: bigint;
  readonly orderId: string | null;
  readonly tradeId: string | null;
  readonly traceId: string;
}

export type Queryable = Pick<PoolClient, 'query'>;

/** Appends entries in one statement (the ledger is append-only; a trigger refuses updates and deletes). */
export async function appendLedger(db: Queryable, rows: readonly LedgerRow[]): Promise<void> {
  const PAGE = 5000;
  for (let start = 0; start < rows.length; start += PAGE) {
    const page = rows.slice(start, start + PAGE);
    await db.query(
      `INSERT INTO ledger_entries (account_id, asset, reason, available_change, held_change, available_after,
                                   held_after, order_id, trade_id, trace_id)
       VALUES ${placeholders(page.length, 10, ['::uuid', '', '', '::bigint', '::bigint', '::bigint', '::bigint', '::uuid', '', ''])}`,
      page.flatMap((row) => [
        row.accountId,
        row.asset,
        row.reason,
        String(row.availableChange),
        String(row.heldChange),
        String(row.availableAfter),
        String(row.heldAfter),
        row.orderId,
        row.tradeId,
        row.traceId,
      ]),
    );
  }
}
