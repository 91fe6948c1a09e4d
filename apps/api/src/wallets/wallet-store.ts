import { Inject, Injectable } from '@nestjs/common';
import { formatCents, type LedgerReason, type Side } from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { ChangeNotifier } from '../database/change-notifier.js';
import { utcTimestamp } from '../database/columns.js';
import { isUniqueViolation } from '../database/errors.js';
import { SqlPool } from '../database/sql-pool.js';
import { ApiError } from '../errors/api-error.js';
import { refuseIfSuspended } from '../accounts/suspension-check.js';
import { appendLedger, CASH, type LedgerRow, type Queryable } from './ledger.js';

export interface BalanceRow {
  readonly asset: string;
  readonly available: bigint;
  readonly held: bigint;
  readonly costBasis: bigint;
}

export interface LedgerEntryRow extends LedgerRow {
  readonly id: string;
  readonly createdAt: Date;
  /** The order's instrument and side, for entries that belong to an order. */
  readonly order: { readonly symbol: string; readonly side: Side } | null;
}

export interface LedgerFilter {
  readonly asset?: string | undefined;
  /** Any of these reasons; all when absent. */
  readonly reasons?: readonly LedgerReason[] | undefined;
  /** Entries made at or after this time, and before `to`. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  /** Entries older than this id (the previous page's cursor). */
  readonly beforeId?: bigint | undefined;
  readonly limit: number;
}

interface LedgerSqlRow {
  id: string;
  account_id: string;
  asset: string;
  reason: LedgerReason;
  available_change: string;
  held_change: string;
  available_after: string;
  held_after: string;
  order_id: string | null;
  trade_id: string | null;
  trace_id: string;
  idempotency_key: string | null;
  created_at: Date;
  order_symbol?: string | null;
  order_side?: Side | null;
}

function toEntry(row: LedgerSqlRow): LedgerEntryRow {
  return {
    id: row.id,
    accountId: row.account_id,
    asset: row.asset,
    reason: row.reason,
    availableChange: BigInt(row.available_change),
    heldChange: BigInt(row.held_change),
    availableAfter: BigInt(row.available_after),
    heldAfter: BigInt(row.held_after),
    orderId: row.order_id,
    tradeId: row.trade_id,
    traceId: row.trace_id,
    createdAt: row.created_at,
    order: row.order_symbol && row.order_side ? { symbol: row.order_symbol, side: row.order_side } : null,
  };
}

/** Balances and the ledger: opening grants, deposits and withdrawals, and reads. */
@Injectable()
export class WalletStore {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(ChangeNotifier) private readonly notifier: ChangeNotifier,
  ) {}

  /** A new account's balances: the configured starting cash and shares, each granted through the ledger. */
  async open(tx: Queryable, accountId: string, traceId: string): Promise<void> {
    const shares = BigInt(this.config.startingShares);
    // [asset, amount, cost basis]: granted shares cost what they are worth at the instrument's reference price.
    const grants: Array<[string, bigint, bigint]> = [
      [CASH, BigInt(this.config.startingCash), 0n],
      ...this.config.instruments.map((instrument): [string, bigint, bigint] => [
        instrument.symbol,
        shares,
        shares * BigInt(instrument.referencePrice ?? 0),
      ]),
    ];
    await tx.query(
      `INSERT INTO balances (account_id, asset, available, cost_basis)
       SELECT $1, asset, available, cost_basis
         FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS g(asset, available, cost_basis)`,
      [
        accountId,
        grants.map(([asset]) => asset),
        grants.map(([, amount]) => String(amount)),
        grants.map(([, , cost]) => String(cost)),
      ],
    );
    await appendLedger(
      tx,
      grants
        .filter(([, amount]) => amount > 0n)
        .map(([asset, amount]) => ({
          accountId,
          asset,
          reason: 'grant',
          availableChange: amount,
          heldChange: 0n,
          availableAfter: amount,
          heldAfter: 0n,
          orderId: null,
          tradeId: null,
          traceId,
        })),
    );
  }

  /**
   * Adds or takes demo cash. With an idempotency key, a retry returns the entry already made (the same key with
   * another amount or direction is a conflict).
   */
  async transfer(
    accountId: string,
    kind: 'deposit' | 'withdrawal',
    cents: bigint,
    idempotencyKey: string | undefined,
    traceId: string,
  ): Promise<LedgerEntryRow> {
    if (idempotencyKey !== undefined) {
      const earlier = await this.byKey(this.sql, accountId, idempotencyKey);
      if (earlier !== null) return this.sameTransfer(earlier, kind, cents);
    }
    const change = kind === 'deposit' ? cents : -cents;
    try {
      const entry = await this.sql.transaction(async (tx) => {
        // Deposits are taken while an account is suspended; what it holds stays on the exchange.
        if (kind === 'withdrawal') await refuseIfSuspended(tx, accountId);
        const { rows } = await tx.query<LedgerSqlRow>(
          `WITH moved AS (
             UPDATE balances SET available = available + $3::bigint, updated_at = now()
              WHERE account_id = $1 AND asset = $2 AND available + $3::bigint >= 0
             RETURNING available, held)
           INSERT INTO ledger_entries (account_id, asset, reason, available_change, held_change, available_after,
                                       held_after, trace_id, idempotency_key)
           SELECT $1, $2, $4, $3::bigint, 0, moved.available, moved.held, $5, $6 FROM moved
           RETURNING *`,
          [accountId, CASH, String(change), kind, traceId, idempotencyKey ?? null],
        );
        if (rows[0] === undefined) throw await this.overdrawn(accountId, cents);
        return toEntry(rows[0]);
      });
      this.notifier.walletsChanged([accountId]);
      return entry;
    } catch (error) {
      if (idempotencyKey !== undefined && isUniqueViolation(error)) {
        const earlier = await this.byKey(this.sql, accountId, idempotencyKey);
        if (earlier !== null) return this.sameTransfer(earlier, kind, cents);
      }
      throw error;
    }
  }

  /** A withdrawal of `cents` refused: the amounts in decimal strings, as an order's `insufficient_funds` has them. */
  private async overdrawn(accountId: string, cents: bigint): Promise<ApiError> {
    const cash = (await this.balances(accountId)).find((balance) => balance.asset === CASH);
    const [required, available] = [formatCents(cents), formatCents(cash?.available ?? 0n)];
    return new ApiError(
      'insufficient_funds',
      `the withdrawal of ${required} is larger than the available cash, ${available}`,
      {
        fields: [{ field: 'amount', code: 'insufficient_funds', message: 'amount is more than the available cash' }],
        asset: CASH,
        required,
        available,
      },
    );
  }

  async balances(accountId: string): Promise<BalanceRow[]> {
    const { rows } = await this.sql.query<{ asset: string; available: string; held: string; cost_basis: string }>(
      'SELECT asset, available, held, cost_basis FROM balances WHERE account_id = $1 ORDER BY asset',
      [accountId],
    );
    return rows.map((row) => ({
      asset: row.asset,
      available: BigInt(row.available),
      held: BigInt(row.held),
      costBasis: BigInt(row.cost_basis),
    }));
  }

  /** Newest first. */
  async ledger(accountId: string, filter: LedgerFilter): Promise<LedgerEntryRow[]> {
    const { rows } = await this.sql.query<LedgerSqlRow>(
      `SELECT l.*, o.symbol AS order_symbol, o.side AS order_side
         FROM ledger_entries l LEFT JOIN orders o ON o.id = l.order_id
        WHERE l.account_id = $1 AND ($2::text IS NULL OR l.asset = $2)
          AND ($3::text[] IS NULL OR l.reason = ANY($3::text[]))
          AND ($4::timestamp IS NULL OR l.created_at >= $4) AND ($5::timestamp IS NULL OR l.created_at < $5)
          AND ($6::bigint IS NULL OR l.id < $6)
        ORDER BY l.id DESC LIMIT $7`,
      [
        accountId,
        filter.asset ?? null,
        filter.reasons ?? null,
        filter.from === undefined ? null : utcTimestamp(filter.from),
        filter.to === undefined ? null : utcTimestamp(filter.to),
        filter.beforeId === undefined ? null : String(filter.beforeId),
        filter.limit,
      ],
    );
    return rows.map(toEntry);
  }

  private async byKey(db: Queryable, accountId: string, key: string): Promise<LedgerEntryRow | null> {
    const { rows } = await db.query<LedgerSqlRow>(
      'SELECT * FROM ledger_entries WHERE account_id = $1 AND idempotency_key = $2',
      [accountId, key],
    );
    return rows[0] === undefined ? null : toEntry(rows[0]);
  }

  private sameTransfer(earlier: LedgerEntryRow, kind: 'deposit' | 'withdrawal', cents: bigint): LedgerEntryRow {
    const change = kind === 'deposit' ? cents : -cents;
    if (earlier.reason !== kind || earlier.availableChange !== change) {
      throw new ApiError('idempotency_conflict', 'this Idempotency-Key was already used for another transfer', {
        entryId: earlier.id,
      });
    }
    return earlier;
  }
}
