import { ApiError } from '../errors/api-error.js';
import type { Queryable } from '../wallets/ledger.js';

export interface Suspension {
  readonly since: Date;
  readonly reason: string;
}

/** The refusal of what a suspended account may not do, with the suspension's reason for its owner to read. */
export function accountSuspended({ since, reason }: Suspension): ApiError {
  return new ApiError('account_suspended', `this account is suspended: ${reason}; cancels are still taken`, {
    suspendedAt: since.toISOString(),
    reason,
  });
}

/** The account's suspension now, or null. */
export async function suspensionOf(db: Queryable, accountId: string): Promise<Suspension | null> {
  const { rows } = await db.query<{ suspended_at: Date; suspension_reason: string }>(
    'SELECT suspended_at, suspension_reason FROM accounts WHERE id = $1 AND suspended_at IS NOT NULL',
    [accountId],
  );
  const row = rows[0];
  return row === undefined ? null : { since: row.suspended_at, reason: row.suspension_reason };
}

/** Throws `account_suspended` if the account is suspended now (order placement checks this in `place_orders`). */
export async function refuseIfSuspended(db: Queryable, accountId: string): Promise<void> {
  const suspension = await suspensionOf(db, accountId);
  if (suspension !== null) throw accountSuspended(suspension);
}
