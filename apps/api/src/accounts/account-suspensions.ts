import { Inject, Injectable } from '@nestjs/common';
import {
  AccountView,
  formatCents,
  OPEN_STATUSES,
  formatQuantity,
  type AdminAccountsPage,
  type AdminAccountView,
  type SuspendedAccountView,
  type SuspensionRecord,
} from '@bolsa/contracts';
import { recordAdminAction } from '../admin/admin-actions.js';
import { utcTimestamp } from '../database/columns.js';
import { SqlPool } from '../database/sql-pool.js';
import { ApiError } from '../errors/api-error.js';
import { decodeCursor, encodeCursor, pageLimit } from '../errors/query-params.js';
import { CommandPublisher } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { cancelCommand } from '../orders/engine-commands.js';
import { CASH } from '../wallets/ledger.js';
import { WalletStore } from '../wallets/wallet-store.js';
import { readAccount, toAccountView, type AccountRow } from './account-row.js';
import { ApiKeysService } from './api-keys.service.js';
import { Sessions } from '../auth/sessions.js';

export interface AccountQuery {
  readonly search?: string | undefined;
  readonly suspendedOnly: boolean;
  readonly cursor?: string | undefined;
  readonly limit?: string | undefined;
}

interface SuspensionRow {
  suspended_at: Date;
  suspended_by: string;
  suspended_by_name: string;
  reason: string;
  lifted_at: Date | null;
  lifted_by: string | null;
  lifted_by_name: string | null;
}

function toRecord(row: SuspensionRow): SuspensionRecord {
  return {
    suspendedAt: row.suspended_at.toISOString(),
    suspendedBy: { accountId: row.suspended_by, name: row.suspended_by_name },
    reason: row.reason,
    liftedAt: row.lifted_at?.toISOString() ?? null,
    liftedBy: row.lifted_by === null ? null : { accountId: row.lifted_by, name: row.lifted_by_name ?? '' },
  };
}

/**
 * Administrators find accounts and suspend them. A suspended trader keeps logging in and cancelling; new orders
 * (`place_orders` checks it under the balance's row lock), amends and withdrawals are refused with
 * `account_suspended`, and every live order of the account is cancelled. Suspending again re-sends those cancels
 * (what to do if Kafka could not take them); lifting a suspension changes nothing else.
 */
@Injectable()
export class AccountSuspensions {
  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(WalletStore) private readonly wallets: WalletStore,
    @Inject(CommandPublisher) private readonly publisher: CommandPublisher,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(Sessions) private readonly sessions: Sessions,
    @Inject(ApiMetrics) metrics: ApiMetrics,
  ) {
    metrics.watchSuspensions(async () => {
      const { rows } = await this.sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM accounts WHERE suspended_at IS NOT NULL',
      );
      return rows[0]?.n ?? 0;
    });
  }

  /** Newest first; `search` matches part of the name or the email, in any case. The exchange's account is left out. */
  async list(query: AccountQuery): Promise<AdminAccountsPage> {
    const size = pageLimit(query.limit, 50, 200);
    const position = decodeCursor(query.cursor, ['time', 'uuid']);
    const search = query.search?.trim() ?? '';
    if (search.length > 100) {
      throw ApiError.validation([
        { field: 'search', code: 'invalid', message: 'search must be at most 100 characters' },
      ]);
    }
    const { rows } = await this.sql.query<AccountRow>(
      `SELECT * FROM accounts
        WHERE role <> 'exchange' AND (NOT $1::boolean OR suspended_at IS NOT NULL)
          AND ($2::text = '' OR strpos(lower(name), lower($2)) > 0 OR strpos(email, lower($2)) > 0)
          AND ($3::timestamp IS NULL OR (created_at, id) < ($3::timestamp, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [
        query.suspendedOnly,
        search,
        position === undefined ? null : utcTimestamp(new Date(position[0]!)),
        position?.[1] ?? null,
        size,
      ],
    );
    const last = rows.at(-1);
    return {
      items: rows.map(toAccountView),
      nextCursor:
        rows.length === size && last !== undefined ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
    };
  }

  async view(accountId: string): Promise<AdminAccountView> {
    const account = await this.account(accountId);
    const [live, balances, suspensions, apiKeys, sessions] = await Promise.all([
      this.sql.query<{ count: string }>(
        'SELECT count(*) AS count FROM orders WHERE account_id = $1 AND status = ANY($2::text[])',
        [accountId, OPEN_STATUSES],
      ),
      this.wallets.balances(accountId),
      this.sql.query<SuspensionRow>(
        `SELECT s.suspended_at, s.suspended_by, by_admin.name AS suspended_by_name, s.reason, s.lifted_at,
                s.lifted_by, lifter.name AS lifted_by_name
           FROM account_suspensions s
           JOIN accounts by_admin ON by_admin.id = s.suspended_by
           LEFT JOIN accounts lifter ON lifter.id = s.lifted_by
          WHERE s.account_id = $1 ORDER BY s.id DESC LIMIT 50`,
        [accountId],
      ),
      this.keys.list(accountId),
      this.sessions.list(accountId, null),
    ]);
    return {
      account,
      liveOrders: Number(live.rows[0]?.count ?? 0),
      balances: balances.map(({ asset, available, held }) => {
        const format = asset === CASH ? formatCents : formatQuantity;
        return { asset, available: format(available), held: format(held) };
      }),
      suspensions: suspensions.rows.map(toRecord),
      apiKeys,
      sessions,
    };
  }

  async suspend(adminId: string, accountId: string, reason: string, traceId: string): Promise<SuspendedAccountView> {
    const account = await this.account(accountId);
    if (account.role !== 'trader') {
      throw new ApiError('forbidden', `only trader accounts can be suspended; this one is ${account.role}`);
    }
    await this.sql.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE accounts SET suspended_at = LOCALTIMESTAMP, suspension_reason = $2
          WHERE id = $1 AND suspended_at IS NULL`,
        [accountId, reason],
      );
      if (rowCount === 0) return;
      await tx.query(
        'INSERT INTO account_suspensions (account_id, reason, suspended_by, trace_id) VALUES ($1, $2, $3, $4)',
        [accountId, reason, adminId, traceId],
      );
      await recordAdminAction(tx, { action: 'suspend', adminId, accountId, reason, traceId });
      this.logger.pino.warn({ accountId, adminId, reason, traceId }, 'account suspended');
    });
    const live = await this.liveOrdersAfterPlacementsInFlight(accountId);
    await Promise.all(
      live.map((order) =>
        this.publisher.deliver(
          cancelCommand(
            {
              orderId: order.id,
              accountId,
              symbol: order.symbol,
              clientOrderId: order.client_order_id,
              traceId,
            },
            'account_suspended',
          ),
        ),
      ),
    );
    return { ...(await this.view(accountId)), cancelsSent: live.length };
  }

  async reinstate(adminId: string, accountId: string, traceId: string): Promise<AdminAccountView> {
    await this.account(accountId);
    await this.sql.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE accounts SET suspended_at = NULL, suspension_reason = NULL WHERE id = $1 AND suspended_at IS NOT NULL`,
        [accountId],
      );
      if (rowCount === 0) return;
      await tx.query(
        `UPDATE account_suspensions SET lifted_at = LOCALTIMESTAMP, lifted_by = $2
          WHERE account_id = $1 AND lifted_at IS NULL`,
        [accountId, adminId],
      );
      await recordAdminAction(tx, { action: 'reinstate', adminId, accountId, traceId });
      this.logger.pino.warn({ accountId, adminId, traceId }, 'account reinstated');
    });
    return this.view(accountId);
  }

  /**
   * The account's live orders, read once every placement that could have missed the suspension has committed:
   * `place_orders` holds the account's balance row while it checks, so taking those rows' locks here waits for it.
   */
  private liveOrdersAfterPlacementsInFlight(
    accountId: string,
  ): Promise<Array<{ id: string; symbol: string; client_order_id: string | null }>> {
    return this.sql.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM balances WHERE account_id = $1 ORDER BY asset FOR UPDATE', [accountId]);
      const { rows } = await tx.query<{ id: string; symbol: string; client_order_id: string | null }>(
        'SELECT id, symbol, client_order_id FROM orders WHERE account_id = $1 AND status = ANY($2::text[])',
        [accountId, OPEN_STATUSES],
      );
      return rows;
    });
  }

  /** The account, or not_found for an id that is no account's. */
  async account(accountId: string): Promise<AccountView> {
    const account = AccountView.shape.accountId.safeParse(accountId).success
      ? await readAccount(this.sql, accountId)
      : null;
    if (account === null) throw new ApiError('not_found', 'no such account');
    return account;
  }
}
