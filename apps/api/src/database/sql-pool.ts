import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { ApiMetrics } from '../observability/metrics.js';
import { connectionFields } from './pg-connection.js';

const TIMESTAMP_WITHOUT_TIME_ZONE = 1114;
const DATE = 1082;

/**
 * Prisma stores `timestamp(3)` columns in UTC; read them back as UTC whatever the process's time zone. A `date` (a
 * trading day) stays the `YYYY-MM-DD` it is: as a Date it would be midnight in this process's zone.
 */
const utcTimestamps = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_WITHOUT_TIME_ZONE
      ? (text: string) => new Date(`${text.replace(' ', 'T')}Z`)
      : oid === DATE
        ? (text: string) => text
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A transaction on a connection in pipeline mode: `query` sends at once, whatever is still unanswered before it. */
export interface PipelinedTx {
  readonly query: pg.PoolClient['query'];
  /** Sends COMMIT now, behind the statements already sent (the last write's round trip carries it). */
  commit(): Promise<void>;
}

/**
 * A plain pg pool for the few hot statements where Prisma's per-query cost shows (the order insert). Its
 * connections are in pg's pipeline mode: a statement is sent without waiting for the answers to those before it,
 * each with its own Sync, so an error fails its statement alone and, inside a transaction, every statement after it
 * (PostgreSQL refuses them as the transaction is aborted). Code that awaits each query sees no difference.
 */
@Injectable()
export class SqlPool extends pg.Pool implements OnModuleDestroy {
  constructor(@Inject(API_CONFIG) config: ApiConfig, @Inject(ApiMetrics) metrics: ApiMetrics) {
    super({
      ...connectionFields(config.databaseUrl),
      max: config.databasePoolSize,
      types: utcTimestamps,
      pipeline: true,
    });
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
    return this.lent(async (tx) => {
      await tx.query(begin);
      const result = await work(tx);
      await tx.query('COMMIT');
      return result;
    });
  }

  /**
   * As `transaction`, without the round trips `work` does not need: BEGIN goes out with its first statement, and
   * `tx.commit()` sends COMMIT behind the statements already sent, so the last write and the commit share one
   * (without it, it commits after `work` returns). A COMMIT that PostgreSQL answers with ROLLBACK, because a
   * statement before it failed, is an error here, never a success.
   */
  async pipelinedTransaction<T>(work: (tx: PipelinedTx) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    return this.lent(async (client) => {
      // Should the begin fail, every statement after it is refused: its error, not theirs, is the one reported.
      const begun = client.query(begin).then(
        () => null,
        (error: unknown) => ({ error }),
      );
      let committed: Promise<void> | undefined;
      const commit = () =>
        (committed ??= client.query('COMMIT').then((result) => {
          if (result.command !== 'COMMIT') throw new Error(`the transaction was rolled back (${result.command})`);
        }));
      const query = client.query.bind(client) as pg.PoolClient['query'];
      const result = await work({ query, commit }).catch(async (error: unknown) => {
        throw (await begun)?.error ?? error;
      });
      const beginFailure = await begun;
      if (beginFailure !== null) throw beginFailure.error;
      await commit();
      return result;
    });
  }

  /** A connection lent to `run`, which rolls back should `run` throw; given back (or dropped, if lost) after. */
  private async lent<T>(run: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
    const tx = await this.connect();
    // The pool stops listening for a connection's errors while it is lent out, and pg emits one when the server
    // ends the connection (a restart, a crash, an administrator), even if a query was failed with it as well: left
    // unheard it would end the process. The broken connection is given back as such, so the pool drops it.
    let lost: Error | undefined;
    const onLost = (error: Error) => (lost = error);
    tx.on('error', onLost);
    try {
      return await run(tx);
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
