import { Inject, Injectable } from '@nestjs/common';
import { ApiKeyId, type ApiKeyAccess, type ApiKeyView, type CreatedApiKey } from '@bolsa/contracts';
import { forgetKey } from '../auth/auth.guard.js';
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

  constructor(@Inject(SqlPool) private readonly sql: SqlPool) {}

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
    forgetKey(keyId);
    return toView(rows[0]);
  }
}
