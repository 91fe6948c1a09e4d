import { ApiErrorBody } from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlPool } from '../src/database/sql-pool.js';
import { newTrader, startTestApi, type TestApi } from './support.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api.stop();
});

describe('when PostgreSQL ends a connection lent out for a transaction', () => {
  it('fails that transaction and goes on: the process does not die of the error pg emits, and the pool serves again', async () => {
    const sql = api.app.get(SqlPool);
    const attempt = sql.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await sql.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      // The connection's end arrives while no query of the transaction runs, as between two of its statements.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.query('SELECT 1');
    });
    await expect(attempt).rejects.toThrow(Error);
    const { rows } = await sql.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]!.one).toBe(1);
  });
});

describe('while PostgreSQL is down', () => {
  it('answers 503 unavailable with Retry-After, not a 500', async () => {
    const trader = await newTrader(api, 'outage');
    await api.db.stop();
    for (const [method, url, body] of [
      ['GET', '/api/me/wallet', undefined],
      ['GET', '/api/orders', undefined],
      ['POST', '/api/orders', { symbol: 'PETR4', side: 'buy', type: 'limit', price: '30.00', quantity: '1' }],
    ] as const) {
      const response = await api.request(method, url, {
        token: trader.apiKey,
        ...(body === undefined ? {} : { body }),
      });
      expect([url, response.status, ApiErrorBody.parse(response.body).code]).toEqual([url, 503, 'unavailable']);
      expect(response.headers['retry-after']).toBe('5');
    }
  });
});
