import { randomUUID } from 'node:crypto';
import type { Queryable } from '../wallets/ledger.js';
import { hashPassword } from '../auth/passwords.js';

export interface AdminCredentials {
  readonly email: string;
  readonly name: string;
  readonly password: string;
}

/**
 * Makes (or updates) an administrator: the only way an admin comes to exist, since signup makes traders. An
 * existing trader with the email is promoted and given the password. Admins get no wallet: they watch, not trade.
 */
export async function ensureAdmin(db: Queryable, admin: AdminCredentials, hashCost = 17): Promise<string> {
  const passwordHash = await hashPassword(admin.password, hashCost);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO accounts (id, name, email, password_hash, role) VALUES ($1, $2, $3, $4, 'admin')
     ON CONFLICT (email) DO UPDATE SET role = 'admin', password_hash = EXCLUDED.password_hash, name = EXCLUDED.name
     RETURNING id`,
    [randomUUID(), admin.name, admin.email.trim().toLowerCase(), passwordHash],
  );
  return rows[0]!.id;
}
