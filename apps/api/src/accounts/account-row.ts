import type { AccountView, Role } from '@bolsa/contracts';
import type { Queryable } from '../wallets/ledger.js';

export interface AccountRow {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly role: Role;
  readonly password_hash: string | null;
  readonly created_at: Date;
  readonly suspended_at: Date | null;
  readonly suspension_reason: string | null;
}

export function toAccountView(row: AccountRow): AccountView {
  return {
    accountId: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    suspension:
      row.suspended_at === null ? null : { since: row.suspended_at.toISOString(), reason: row.suspension_reason ?? '' },
  };
}

/** An account as its owner sees it, or null if there is none. */
export async function readAccount(db: Queryable, accountId: string): Promise<AccountView | null> {
  const { rows } = await db.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [accountId]);
  return rows[0] === undefined ? null : toAccountView(rows[0]);
}
