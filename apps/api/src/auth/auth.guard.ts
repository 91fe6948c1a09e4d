import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { ApiKeyAccess, Role } from '@bolsa/contracts';
import type { FastifyRequest } from 'fastify';
import { SqlPool } from '../database/sql-pool.js';
import { ApiError } from '../errors/api-error.js';
import { parseToken, secretMatches } from './api-keys.js';
import { CSRF_HEADER, SESSION_COOKIE } from './cookies.js';
import { KnownKeys, type KnownKey } from './known-keys.js';
import { Sessions } from './sessions.js';

/** Who is calling, and with what: an API key (programs) or a session cookie (browsers). */
export interface Caller {
  readonly accountId: string;
  readonly role: Role;
  readonly via: 'api_key' | 'session';
  /** The key id or the session id. */
  readonly credentialId: string;
}

export type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Lets a request through with `Authorization: Bearer <key id>.<secret>` of a live key, or with a live session
 * cookie; a cookie-authenticated write must also carry the session's CSRF token in `X-CSRF-Token`. A read-only key
 * makes reads only: anything else it sends is refused (`read_only_key`) before it does anything.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(Sessions) private readonly sessions: Sessions,
    @Inject(KnownKeys) private readonly knownKeys: KnownKeys,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.caller = await this.identify(request);
    return true;
  }

  private async identify(request: AuthenticatedRequest): Promise<Caller> {
    const header = request.headers.authorization;
    if (header !== undefined) return this.byKey(header, request.method);
    const token = request.cookies[SESSION_COOKIE];
    if (token === undefined) {
      throw new ApiError('unauthorized', 'log in, or send Authorization: Bearer <api key>');
    }
    const session = await this.sessions.find(token);
    if (session === null) throw new ApiError('unauthorized', 'the session has ended; log in again');
    if (!SAFE_METHODS.has(request.method)) {
      const given = request.headers[CSRF_HEADER];
      if (typeof given !== 'string' || !sameToken(given, session.csrfToken)) {
        throw new ApiError('csrf_failed', `send the session's CSRF token in the X-CSRF-Token header`);
      }
    }
    return { accountId: session.accountId, role: session.role, via: 'session', credentialId: session.sessionId };
  }

  private async byKey(header: string, method: string): Promise<Caller> {
    const token = /^Bearer (\S+)$/.exec(header)?.[1];
    const parts = token === undefined ? null : parseToken(token);
    if (parts === null) throw new ApiError('unauthorized', 'the API key is malformed');
    const key = await this.load(parts.keyId);
    if (key === null || key.revoked || !secretMatches(parts.secret, key.secretHash)) {
      throw new ApiError('unauthorized', 'the API key is not valid');
    }
    if (key.access === 'read' && !SAFE_METHODS.has(method)) {
      throw new ApiError('read_only_key', 'this API key only reads; send this with a key that trades');
    }
    return { accountId: key.accountId, role: key.role, via: 'api_key', credentialId: parts.keyId };
  }

  private async load(keyId: string): Promise<KnownKey | null> {
    return this.knownKeys.get(keyId) ?? this.knownKeys.load(keyId, () => this.read(keyId));
  }

  private async read(keyId: string): Promise<KnownKey | null> {
    const { rows } = await this.sql.query<{
      account_id: string;
      role: Role;
      access: ApiKeyAccess;
      secret_hash: string;
      revoked: boolean;
    }>(
      `SELECT k.account_id, a.role, k.access, k.secret_hash, k.revoked_at IS NOT NULL AS revoked
         FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.id = $1`,
      [keyId],
    );
    const row = rows[0];
    if (row === undefined) return null;
    return {
      accountId: row.account_id,
      role: row.role,
      access: row.access,
      secretHash: row.secret_hash,
      revoked: row.revoked,
    };
  }
}

/** After AuthGuard: only admins. */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
    if (caller?.role !== 'admin') throw new ApiError('forbidden', 'this is for exchange administrators');
    return true;
  }
}

export function callerOf(request: AuthenticatedRequest): Caller {
  if (request.caller === undefined) throw new Error('AuthGuard did not run');
  return request.caller;
}
