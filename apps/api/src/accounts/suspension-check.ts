import type { AccountSuspensionView } from '@bolsa/contracts';
import { ApiError } from '../errors/api-error.js';
import type { Queryable } from '../wallets/ledger.js';
import { readAccount } from './account-row.js';

/** The refusal of what a suspended account may not do, with the suspension's reason for its owner to read. */
export function accountSuspended({ since, reason }: AccountSuspensionView): ApiError {
  return new ApiError('account_suspended', `this account is suspended: ${reason}; cancels are still taken`, {
    suspendedAt: since,
    reason,
  });
}

/** The account's suspension now, or null. */
export async function suspensionOf(db: Queryable, accountId: string): Promise<AccountSuspensionView | null> {
  return (await readAccount(db, accountId))?.suspension ?? null;
}

/** Throws `account_suspended` if the account is suspended now (order placement checks this in `place_orders`). */
export async function refuseIfSuspended(db: Queryable, accountId: string): Promise<void> {
  const suspension = await suspensionOf(db, accountId);
  if (suspension !== null) throw accountSuspended(suspension);
}
