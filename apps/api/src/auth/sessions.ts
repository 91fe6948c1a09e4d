import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { SqlPool } from '../database/sql-pool.js';
import type { Queryable } from '../wallets/ledger.js';

export interface StartedSession {
  /** Goes in the httpOnly cookie; only its hash is stored. */
  readonly token: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export interface LiveSession {
  readonly sessionId: string;
  readonly accountId: string;
  readonly role: Role;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Browser sessions in PostgreSQL, so every API process knows them and a logout is immediate everywhere. */
@Injectable()
export class Sessions {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(SqlPool) private readonly sql: SqlPool,
  ) {}

  async start(accountId: string): Promise<StartedSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.sessionMs);
    await this.sql.query('INSERT INTO sessions (id, account_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)', [
      tokenHash(token),
      accountId,
      csrfToken,
      expiresAt,
    ]);
    return { token, csrfToken, expiresAt };
  }

  async find(token: string): Promise<LiveSession | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const { rows } = await this.sql.query<{
      id: string;
      account_id: string;
      role: Role;
      csrf_token: string;
      expires_at: Date;
    }>(
      `SELECT s.id, s.account_id, a.role, s.csrf_token, s.expires_at
         FROM sessions s JOIN accounts a ON a.id = s.account_id
        WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
      [tokenHash(token)],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : {
          sessionId: row.id,
          accountId: row.account_id,
          role: row.role,
          csrfToken: row.csrf_token,
          expiresAt: row.expires_at,
        };
  }

  /**
   * Ends every session of the account but `keep` (the one changing the password, if it is a session), in the
   * caller's transaction.
   */
  async endOthers(db: Queryable, accountId: string, keep: string | null): Promise<void> {
    await db.query(
      `UPDATE sessions SET revoked_at = now()
        WHERE account_id = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR id <> $2)`,
      [accountId, keep],
    );
  }

  async end(sessionId: string): Promise<void> {
    await this.sql.query('UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [sessionId]);
  }
}
