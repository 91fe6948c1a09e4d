import { Inject, Injectable } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { SqlPool } from '../database/sql-pool.js';

/** One key a login is counted under, with how many failures it may have in a window. */
export interface ThrottleKey {
  readonly key: string;
  readonly limit: number;
}

/** Failed logins recorded between two sweeps of ended windows, per process. */
const SWEEP_EVERY = 1000;

/**
 * Failed logins counted per key (an email, a client address) in a fixed window of LOGIN_WINDOW_SECONDS, kept in
 * PostgreSQL (`login_failures`) so that every API process counts the same failures: behind a load balancer a guesser
 * gets the limit, not the limit times the number of processes. Windows are timed by the database's clock, which all
 * processes share. Two processes checking at once may both let one more guess through; nothing more.
 */
@Injectable()
export class LoginThrottle {
  private recorded = 0;

  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** Milliseconds until every key is under its limit again (0: it may try now). */
  async retryAfterMs(keys: readonly ThrottleKey[]): Promise<number> {
    const { rows } = await this.sql.query<{ key: string; failures: number; left_ms: number }>(
      `SELECT key, failures, ceil(extract(epoch FROM window_ends - LOCALTIMESTAMP) * 1000)::int AS left_ms
         FROM login_failures
        WHERE key = ANY($1::text[]) AND window_ends > LOCALTIMESTAMP`,
      [keys.map(({ key }) => key)],
    );
    let wait = 0;
    for (const row of rows) {
      const limit = keys.find(({ key }) => key === row.key)?.limit ?? Infinity;
      if (row.failures >= limit) wait = Math.max(wait, row.left_ms);
    }
    return wait;
  }

  /** Counts a failure against each key, in the window it is in or in a new one. */
  async record(keys: readonly string[]): Promise<void> {
    await this.sql.query(
      `INSERT INTO login_failures AS f (key, failures, window_ends)
       SELECT key, 1, LOCALTIMESTAMP + $2 * interval '1 millisecond' FROM unnest($1::text[]) AS key
       ON CONFLICT (key) DO UPDATE
          SET failures = CASE WHEN f.window_ends <= LOCALTIMESTAMP THEN 1 ELSE f.failures + 1 END,
              window_ends = CASE WHEN f.window_ends <= LOCALTIMESTAMP THEN EXCLUDED.window_ends ELSE f.window_ends END`,
      [keys, this.config.loginLimit.windowMs],
    );
    // Guessers that try many emails leave a row each: ended windows are dropped now and then.
    if (++this.recorded % SWEEP_EVERY === 0) {
      await this.sql.query('DELETE FROM login_failures WHERE window_ends <= LOCALTIMESTAMP');
    }
  }

  /** Forgets a key's failures (its owner got in). */
  async reset(key: string): Promise<void> {
    await this.sql.query('DELETE FROM login_failures WHERE key = $1', [key]);
  }
}
