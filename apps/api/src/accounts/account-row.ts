import type { AccountView, Role } from '@bolsa/contracts';

export interface AccountRow {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly role: Role;
  readonly password_hash: string | null;
  readonly created_at: Date;
}

export function toAccountView(row: AccountRow): AccountView {
  return {
    accountId: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    createdAt: row.created_at.toISOString(),
  };
}
