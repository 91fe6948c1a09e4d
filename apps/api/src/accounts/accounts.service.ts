import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AccountView, CreatedAccount, SignupRequest } from '@bolsa/contracts';
import { hashPassword, passwordMatches, UNKNOWN_ACCOUNT_HASH } from '../auth/passwords.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { Sessions } from '../auth/sessions.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { isUniqueViolation } from '../database/errors.js';
import { SqlPool } from '../database/sql-pool.js';
import { ApiMetrics } from '../observability/metrics.js';
import { ApiError } from '../errors/api-error.js';
import { WalletStore } from '../wallets/wallet-store.js';
import { readAccount, toAccountView, type AccountRow } from './account-row.js';
import { ApiKeysService } from './api-keys.service.js';

@Injectable()
export class AccountsService {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(WalletStore) private readonly wallets: WalletStore,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(Sessions) private readonly sessions: Sessions,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
  ) {}

  /** A trader account with its starting balances; signup never makes an admin. */
  async signup(request: SignupRequest, traceId: string): Promise<AccountView> {
    const passwordHash = await hashPassword(request.password, this.config.passwordHashCost);
    const accountId = randomUUID();
    try {
      const row = await this.sql.transaction(async (tx) => {
        const { rows } = await tx.query<AccountRow>(
          `INSERT INTO accounts (id, name, email, password_hash, role) VALUES ($1, $2, $3, $4, 'trader') RETURNING *`,
          [accountId, request.name, request.email, passwordHash],
        );
        await this.wallets.open(tx, accountId, traceId);
        return rows[0]!;
      });
      return toAccountView(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ApiError('email_taken', 'an account with this email already exists', {
          fields: [{ field: 'email', code: 'email_taken', message: 'email is already registered' }],
        });
      }
      throw error;
    }
  }

  /** Signup for programs: the account and its first API key, whose secret is shown here and never again. */
  async createWithKey(request: SignupRequest, traceId: string): Promise<CreatedAccount> {
    const account = await this.signup(request, traceId);
    const key = await this.keys.create(account.accountId, 'default');
    return { accountId: account.accountId, name: account.name, email: request.email, apiKey: key.token };
  }

  /**
   * Checks an email and password. Failures are counted per email and per client address (more leniently), by every
   * API process together; past the limit the caller waits (429) whether or not the password is right. Unknown emails
   * cost the same hash as known ones.
   */
  async login(email: string, password: string, clientAddress: string): Promise<AccountView> {
    const perEmail = emailKey(email);
    const perAddress = `address:${clientAddress}`;
    const { maxFailures } = this.config.loginLimit;
    const wait = await this.throttle.retryAfterMs([
      { key: perEmail, limit: maxFailures },
      // Many people can share one address (an office, a carrier's NAT), so it gets a wider allowance.
      { key: perAddress, limit: maxFailures * 10 },
    ]);
    if (wait > 0) {
      this.metrics.loginFailures.inc({ outcome: 'rate_limited' });
      throw new ApiError('rate_limited', 'too many failed logins; try again later', {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
    const { rows } = await this.sql.query<AccountRow>(
      `SELECT * FROM accounts WHERE email = $1 AND role <> 'exchange'`,
      [email],
    );
    const account = rows[0];
    const matches = await passwordMatches(password, account?.password_hash ?? UNKNOWN_ACCOUNT_HASH);
    if (account === undefined || !matches) {
      this.metrics.loginFailures.inc({ outcome: 'invalid_credentials' });
      await this.throttle.record([perEmail, perAddress]);
      throw new ApiError('invalid_credentials', 'the email or the password is wrong');
    }
    await this.throttle.reset(perEmail);
    return toAccountView(account);
  }

  /**
   * A new password, given the current one; with it, every other session of the account ends (`keepSession`, the
   * caller's own, stays). Wrong guesses count against the account's email as failed logins do, so this is no way
   * around the login limit.
   */
  async changePassword(accountId: string, current: string, next: string, keepSession: string | null): Promise<void> {
    const { rows } = await this.sql.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [accountId]);
    const account = rows[0];
    if (account === undefined) throw new ApiError('not_found', 'no such account');
    const key = emailKey(account.email ?? accountId);
    const wait = await this.throttle.retryAfterMs([{ key, limit: this.config.loginLimit.maxFailures }]);
    if (wait > 0) {
      throw new ApiError('rate_limited', 'too many wrong passwords; try again later', {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
    if (account.password_hash === null || !(await passwordMatches(current, account.password_hash))) {
      await this.throttle.record([key]);
      throw new ApiError('password_incorrect', 'the current password is wrong', {
        fields: [{ field: 'currentPassword', code: 'incorrect', message: 'currentPassword is not this account’s' }],
      });
    }
    await this.throttle.reset(key);
    const hash = await hashPassword(next, this.config.passwordHashCost);
    await this.sql.transaction(async (tx) => {
      await tx.query('UPDATE accounts SET password_hash = $2 WHERE id = $1', [accountId, hash]);
      await this.sessions.endOthers(accountId, keepSession, tx);
    });
  }

  async view(accountId: string): Promise<AccountView> {
    const account = await readAccount(this.sql, accountId);
    if (account === null) throw new ApiError('not_found', 'no such account');
    return account;
  }
}

/** The key an email's failed logins are counted under (an account without an email: its id). */
const emailKey = (email: string): string => `email:${email}`;
