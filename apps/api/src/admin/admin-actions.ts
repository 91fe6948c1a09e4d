import { Inject, Injectable } from '@nestjs/common';
import { AdminActionKind, type AdminActionsPage, type AdminActionView } from '@bolsa/contracts';
import { SqlPool } from '../database/sql-pool.js';
import { decodeCursor, encodeCursor, oneOf, pageLimit } from '../errors/query-params.js';
import type { Queryable } from '../wallets/ledger.js';

export interface AdminActionRecord {
  readonly action: AdminActionKind;
  /** Null when the exchange did it itself (the clock's close of the day). */
  readonly adminId: string | null;
  readonly symbol?: string;
  readonly accountId?: string;
  readonly reason?: string;
  readonly traceId: string;
}

/** Records an administrator's action in the transaction of the change itself, so that both stand or neither. */
export async function recordAdminAction(db: Queryable, record: AdminActionRecord): Promise<void> {
  await db.query(
    `INSERT INTO admin_actions (action, admin_id, symbol, account_id, reason, trace_id)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      record.action,
      record.adminId,
      record.symbol ?? null,
      record.accountId ?? null,
      record.reason ?? null,
      record.traceId,
    ],
  );
}

interface ActionRow {
  id: string;
  action: AdminActionKind;
  at: Date;
  admin_id: string | null;
  admin_name: string | null;
  symbol: string | null;
  account_id: string | null;
  account_name: string | null;
  reason: string | null;
  trace_id: string;
}

const ref = (accountId: string | null, name: string | null) =>
  accountId === null ? null : { accountId, name: name ?? '' };

/** The administrators' actions, for the panel and for compliance. */
@Injectable()
export class AdminActions {
  constructor(@Inject(SqlPool) private readonly sql: SqlPool) {}

  /** Newest first, `action` one kind of them; pages through `cursor`. */
  async page(query: {
    action: string | undefined;
    cursor: string | undefined;
    limit: string | undefined;
  }): Promise<AdminActionsPage> {
    const action = oneOf('action', query.action, AdminActionKind.options) ?? null;
    const size = pageLimit(query.limit, 50, 200);
    const before = decodeCursor(query.cursor, ['integer'])?.[0] ?? null;
    const { rows } = await this.sql.query<ActionRow>(
      `SELECT a.id::text AS id, a.action, a.at, a.admin_id, admin.name AS admin_name, a.symbol, a.account_id,
              account.name AS account_name, a.reason, a.trace_id
         FROM admin_actions a
         LEFT JOIN accounts admin ON admin.id = a.admin_id
         LEFT JOIN accounts account ON account.id = a.account_id
        WHERE ($1::text IS NULL OR a.action = $1) AND ($2::bigint IS NULL OR a.id < $2::bigint)
        ORDER BY a.id DESC LIMIT $3`,
      [action, before, size],
    );
    const last = rows.at(-1);
    return {
      items: rows.map(toView),
      nextCursor: rows.length === size && last !== undefined ? encodeCursor([last.id]) : null,
    };
  }
}

function toView(row: ActionRow): AdminActionView {
  return {
    id: row.id,
    action: row.action,
    at: row.at.toISOString(),
    by: ref(row.admin_id, row.admin_name),
    symbol: row.symbol,
    account: ref(row.account_id, row.account_name),
    reason: row.reason,
    traceId: row.trace_id,
  };
}
