import type { LedgerReason } from '@bolsa/contracts';
import type { PoolClient } from 'pg';
import { columns } from '../database/columns.js';

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

/**
 * The INSERT of ledger entries given as ten column arrays, parameters $first to $first+9; entries get their ids
 * in the order given.
 */
export function insertLedgerSql(first: number): string {
  const p = (column: number) => `$${first + column}`;
  return `INSERT INTO ledger_entries (account_id, asset, reason, available_change, held_change, available_after,
                                    held_after, order_id, trade_id, trace_id)
          SELECT v.account_id, v.asset, v.reason, v.available_change, v.held_change, v.available_after,
                 v.held_after, v.order_id, v.trade_id, v.trace_id
            FROM unnest(${p(0)}::uuid[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::bigint[], ${p(4)}::bigint[],
                        ${p(5)}::bigint[], ${p(6)}::bigint[], ${p(7)}::uuid[], ${p(8)}::text[], ${p(9)}::text[])
                 WITH ORDINALITY AS v(account_id, asset, reason, available_change, held_change, available_after,
                                      held_after, order_id, trade_id, trace_id, position)
           ORDER BY v.position`;
}

/** The parameters of `insertLedgerSql`. */
export function ledgerColumns(rows: readonly LedgerRow[]): string[] {
  return columns(rows, [
    (row) => row.accountId,
    (row) => row.asset,
    (row) => row.reason,
    (row) => String(row.availableChange),
    (row) => String(row.heldChange),
    (row) => String(row.availableAfter),
    (row) => String(row.heldAfter),
    (row) => row.orderId,
    (row) => row.tradeId,
    (row) => row.traceId,
  ]);
}

/** Appends entries in one statement (the ledger is append-only; a trigger refuses updates and deletes). */
export async function appendLedger(db: Queryable, rows: readonly LedgerRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query({ name: 'append_ledger', text: insertLedgerSql(1), values: ledgerColumns(rows) });
}
