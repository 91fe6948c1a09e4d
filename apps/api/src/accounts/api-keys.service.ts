import { Inject, Injectable } from '@nestjs/common';
import { ApiKeyId, type ApiKeyAccess, type ApiKeyView, type CreatedApiKey } from '@bolsa/contracts';
import { recordAdminAction } from '../admin/admin-actions.js';
import { KnownKeys } from '../auth/known-keys.js';
import { issueKey } from '../auth/api-keys.js';
import { SqlPool } from '../database/sql-pool.js';
import { ApiError } from '../errors/api-error.js';

interface KeyRow {
  id: string;
  label: string;
  access: ApiKeyAccess;
  created_at: Date;
  revoked_at: Date | null;
}

const toView = (row: KeyRow): ApiKeyView => ({
  keyId: row.id,
  label: row.label,
  access: row.access,
  createdAt: row.created_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

/**
 * An account's API keys: several at once, each trading or read-only, each revocable; the secret exists only in the
 * answer to `create`.
 */
@Injectable()
export class ApiKeysService {
  static readonly MAX_LIVE_KEYS = 20;

  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(KnownKeys) private readonly knownKeys: KnownKeys,
  ) {}

  async create(accountId: string, label: string, access: ApiKeyAccess = 'trade'): Promise<CreatedApiKey> {
    const key = issueKey();
    const { rows } = await this.sql.query<KeyRow>(
      `INSERT INTO api_keys (id, account_id, secret_hash, label, access)
       SELECT $1, $2, $3, $4, $6
        WHERE (SELECT count(*) FROM api_keys WHERE account_id = $2 AND revoked_at IS NULL) < $5
       RETURNING id, label, access, created_at, revoked_at`,
      [key.keyId, accountId, key.secretHash, label, ApiKeysService.MAX_LIVE_KEYS, access],
    );
    if (rows[0] === undefined) {
      throw ApiError.validation([
        {
          field: 'label',
          code: 'too_many_keys',
          message: `an account can have at most ${ApiKeysService.MAX_LIVE_KEYS} live keys; revoke one first`,
        },
      ]);
    }
    return { ...toView(rows[0]), token: key.token };
  }

  async list(accountId: string): Promise<ApiKeyView[]> {
    const { rows } = await this.sql.query<KeyRow>(
      'SELECT id, label, access, created_at, revoked_at FROM api_keys WHERE account_id = $1 ORDER BY created_at DESC',
      [accountId],
    );
    return rows.map(toView);
  }

  /** Revoking twice is fine; another account's key does not exist as far as the caller can tell. */
  async revoke(accountId: string, keyId: string): Promise<ApiKeyView> {
    const { rows } = ApiKeyId.safeParse(keyId).success
      ? await this.sql.query<KeyRow>(
          `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())
            WHERE id = $1 AND account_id = $2 RETURNING id, label, access, created_at, revoked_at`,
          [keyId, accountId],
        )
      : { rows: [] };
    if (rows[0] === undefined) throw new ApiError('not_found', 'no such API key');
    // At once here; the other API processes hear of it from PostgreSQL at commit.
    this.knownKeys.forget(keyId);
    return toView(rows[0]);
  }

  /**
   * An administrator's revocation of an account's key (one that leaked, a program misbehaving), in the
   * administrators' log with its reason, in the same transaction; revoking a revoked key changes and records
   * nothing. A key the account does not have is not found.
   */
  async revokeForAdmin(
    adminId: string,
    accountId: string,
    keyId: string,
    reason: string,
    traceId: string,
  ): Promise<void> {
    const found = ApiKeyId.safeParse(keyId).success
      ? await this.sql.transaction(async (tx) => {
          const { rows } = await tx.query<{ live: boolean }>(
            'SELECT revoked_at IS NULL AS live FROM api_keys WHERE id = $1 AND account_id = $2 FOR UPDATE',
            [keyId, accountId],
          );
          if (rows[0]?.live === true) {
            await tx.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [keyId]);
            await recordAdminAction(tx, { action: 'revoke_key', adminId, accountId, reason, traceId });
          }
          return rows[0] !== undefined;
        })
      : false;
    if (!found) throw new ApiError('not_found', 'the account has no such API key');
    this.knownKeys.forget(keyId);
  }
}
