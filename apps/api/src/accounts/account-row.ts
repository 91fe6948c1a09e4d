import type { AccountView, Role } from '@bolsa/contracts';

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
