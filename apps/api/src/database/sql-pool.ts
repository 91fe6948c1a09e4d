import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { ApiMetrics } from '../observability/metrics.js';
import { connectionFields } from './pg-connection.js';

const TIMESTAMP_WITHOUT_TIME_ZONE = 1114;

/** Prisma stores `timestamp(3)` columns in UTC; read them back as UTC whatever the process's time zone. */
const utcTimestamps = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_WITHOUT_TIME_ZONE
      ? (text: string) => new Date(`${text.replace(' ', 'T')}Z`)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A plain pg pool for the few hot statements where Prisma's per-query cost shows (the order insert). */
@Injectable()
export class SqlPool extends pg.Pool implements OnModuleDestroy {
  constructor(@Inject(API_CONFIG) config: ApiConfig, @Inject(ApiMetrics) metrics: ApiMetrics) {
    super({ ...connectionFields(config.databaseUrl), max: config.databasePoolSize, types: utcTimestamps });
    metrics.watchPool(this);
    // An idle connection that fails (the server restarting or stopping) is dropped by the pool, which opens a
    // new one when needed; without a listener the pool would rethrow it as an uncaught exception.
    this.on('error', () => undefined);
  }

  /**
   * Runs `work` in one transaction on one connection: committed if it returns, rolled back if it throws. `begin`
   * may add `SET LOCAL` settings after the BEGIN, sent with it in one round trip.
   */
  async transaction<T>(work: (tx: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const tx = await this.connect();
    // The pool stops listening for a connection's errors while it is lent out, and pg emits one when the server
    // ends the connection (a restart, a crash, an administrator), even if a query was failed with it as well: left
    // unheard it would end the process. The broken connection is given back as such, so the pool drops it.
    let lost: Error | undefined;
    const onLost = (error: Error) => (lost = error);
    tx.on('error', onLost);
    try {
      await tx.query(begin);
      const result = await work(tx);
      await tx.query('COMMIT');
      return result;
    } catch (error) {
      if (lost === undefined) await tx.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      tx.removeListener('error', onLost);
      tx.release(lost);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.end();
  }
}
