import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { LoginSessionView, Role } from '@bolsa/contracts';
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

/** What a session is started from: the browser's User-Agent and the client's address, when known. */
export interface SessionOrigin {
  readonly userAgent: string | null;
  readonly address: string | null;
}

const USER_AGENT_MAX = 300;

/** Browser sessions in PostgreSQL, so every API process knows them and a logout is immediate everywhere. */
@Injectable()
export class Sessions {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(SqlPool) private readonly sql: SqlPool,
  ) {}

  async start(accountId: string, origin: SessionOrigin): Promise<StartedSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.sessionMs);
    await this.sql.query(
      `INSERT INTO sessions (id, account_id, csrf_token, expires_at, user_agent, address)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        tokenHash(token),
        accountId,
        csrfToken,
        expiresAt,
        origin.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
        origin.address,
      ],
    );
    return { token, csrfToken, expiresAt };
  }

  /** The account's live sessions, newest first; `current` marks the caller's own. */
  async list(accountId: string, current: string | null): Promise<LoginSessionView[]> {
    const { rows } = await this.sql.query<{
      id: string;
      created_at: Date;
      expires_at: Date;
      user_agent: string | null;
      address: string | null;
    }>(
      `SELECT id, created_at, expires_at, user_agent, address FROM sessions
        WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC, id LIMIT 100`,
      [accountId],
    );
    return rows.map((row) => ({
      sessionId: row.id,
      startedAt: row.created_at.toISOString(),
      expiresAt: row.expires_at.toISOString(),
      userAgent: row.user_agent,
      address: row.address,
      current: row.id === current,
    }));
  }

  /** Ends one of the account's sessions (the caller's own: a logout); false when it has no such session not yet ended. */
  async endOne(accountId: string, sessionId: string): Promise<boolean> {
    const { rowCount } = await this.sql.query(
      'UPDATE sessions SET revoked_at = now() WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL',
      [sessionId, accountId],
    );
    return rowCount === 1;
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
   * Ends every live session of the account but `keep` (the caller's own, when it is a session; none: every one), in
   * the caller's transaction if it gives one; how many it ended.
   */
  async endOthers(accountId: string, keep: string | null, db: Queryable = this.sql): Promise<number> {
    const { rowCount } = await db.query(
      `UPDATE sessions SET revoked_at = now()
        WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > now() AND ($2::text IS NULL OR id <> $2)`,
      [accountId, keep],
    );
    return rowCount ?? 0;
  }
}
