import { startPostgres, type RunningPostgres } from '@bolsa/embedded-db';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../config.js';
import { ApiMetrics } from '../observability/metrics.js';
import { roundTrips, traceConnections } from '../../test/round-trips.js';
import { SqlPool, type PipelinedTx } from './sql-pool.js';

let db: RunningPostgres;
let sql: SqlPool;

beforeAll(async () => {
  db = await startPostgres();
  sql = new SqlPool({ databaseUrl: db.url, databasePoolSize: 2 } as ApiConfig, new ApiMetrics());
  await sql.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
});

afterAll(async () => {
  await sql?.end();
  await db?.stop();
});

beforeEach(async () => {
  await sql.query('TRUNCATE notes');
});

async function notes(): Promise<string[]> {
  const { rows } = await sql.query<{ body: string }>('SELECT body FROM notes ORDER BY id');
  return rows.map((row) => row.body);
}

const insert = (tx: PipelinedTx, id: number, body: string) =>
  tx.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [id, body]);

describe('SqlPool.pipelinedTransaction', () => {
  it('commits what its statements wrote, sending BEGIN with the first and COMMIT with the last', async () => {
    const traced = new SqlPool({ databaseUrl: db.url, databasePoolSize: 1 } as ApiConfig, new ApiMetrics());
    try {
      await traced.query('SELECT 1'); // the connection's start-up, left out of the trace
      const { traces, stop } = traceConnections(traced);
      const result = await traced.pipelinedTransaction(async (tx) => {
        await Promise.all([insert(tx, 1, 'a'), insert(tx, 2, 'b')]);
        const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM notes');
        await Promise.all([insert(tx, 3, `c${rows[0]!.n}`), tx.commit()]);
        return rows[0]!.n;
      });
      stop();
      expect(result).toBe(2);
      expect([...traces.values()].map(roundTrips)).toEqual([3]);
      expect(await notes()).toEqual(['a', 'b', 'c2']);
    } finally {
      await traced.end();
    }
  });

  it('commits after the work when the work does not', async () => {
    await sql.pipelinedTransaction(async (tx) => {
      await insert(tx, 1, 'a');
    });
    expect(await notes()).toEqual(['a']);
  });

  it('rolls back everything when a statement fails, including those sent after it, and the pool serves again', async () => {
    const attempt = sql.pipelinedTransaction(async (tx) => {
      await Promise.all([insert(tx, 1, 'a'), insert(tx, 1, 'duplicate'), insert(tx, 2, 'after')]);
    });
    await expect(attempt).rejects.toMatchObject({ code: '23505' });
    expect(await notes()).toEqual([]);
    await sql.pipelinedTransaction((tx) => insert(tx, 3, 'next'));
    expect(await notes()).toEqual(['next']);
  });

  it('reports a commit PostgreSQL turned into a rollback as an error, even if the work ignored the failure', async () => {
    const attempt = sql.pipelinedTransaction(async (tx) => {
      await insert(tx, 1, 'a');
      const failed = insert(tx, 1, 'duplicate').catch((error: unknown) => error);
      await Promise.all([insert(tx, 2, 'b').catch(() => undefined), failed]);
      await tx.commit();
    });
    await expect(attempt).rejects.toMatchObject({ message: expect.stringMatching(/rolled back \(ROLLBACK\)/) });
    expect(await notes()).toEqual([]);
  });

  it('runs nothing outside a transaction when the begin fails: the statements sent with it are refused', async () => {
    const attempt = sql.pipelinedTransaction(async (tx) => {
      await Promise.all([insert(tx, 1, 'a'), insert(tx, 2, 'b')]);
    }, 'BEGIN; SET LOCAL no_such_setting = 1');
    await expect(attempt).rejects.toMatchObject({ code: '42704' });
    expect(await notes()).toEqual([]);
  });

  it('keeps statements sent before a failing one in the same transaction, rolled back with it', async () => {
    const client = await sql.connect();
    try {
      const attempt = sql.pipelinedTransaction(async (tx) => {
        await insert(tx, 1, 'a');
        // Another session cannot see the uncommitted row, and after the failure it never will.
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM notes');
        expect(rows[0]!.n).toBe(0);
        await tx.query('SELECT 1 / 0');
      });
      await expect(attempt).rejects.toMatchObject({ code: '22012' });
      const after = await (client as pg.PoolClient).query<{ n: number }>('SELECT count(*)::int AS n FROM notes');
      expect(after.rows[0]!.n).toBe(0);
    } finally {
      client.release();
    }
  });
});
