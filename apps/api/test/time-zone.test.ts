import { AccountView, LedgerEntryView, OrderView, pageOf } from '@bolsa/contracts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInTestEngine } from './engine-in-test.js';
import { newTrader, startTestApi, type TestApi, until } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;
let engine: { stop(): Promise<void> };

beforeAll(async () => {
  api = await startTestApi();
  engine = await startInTestEngine(api.broker.bootstrap);
});

afterAll(async () => {
  await engine.stop();
  await api.stop();
});

/** A statement on a connection of its own, as an operator would run it (no settings of the API's). */
async function asOperator<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: api.db.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('a PostgreSQL server whose time zone is not UTC', () => {
  it('stores and shows every time as the instant it was, not shifted by the server’s zone', async () => {
    // What initdb on a host in Brazil leaves in postgresql.conf. Reloaded, it applies to the sessions already open
    // too, unless they chose their own.
    await asOperator(`ALTER SYSTEM SET timezone = 'America/Sao_Paulo'`);
    await asOperator('SELECT pg_reload_conf()');
    await until(
      async () =>
        (await asOperator<{ zone: string }>(`SELECT current_setting('timezone') AS zone`))[0]?.zone ===
        'America/Sao_Paulo',
    );

    // Dated by the server's local time, an order would be three hours old when the engine saw it: refused as stale.
    const before = Date.now();
    const trader = await newTrader(api, 'fuso');
    const body = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '20.00', quantity: '1' };
    const placed = await api.request('POST', '/api/orders', { token: trader.apiKey, body });
    expect(placed.status).toBe(202);
    const orderId = OrderView.parse(placed.body).orderId;
    const order = await until(async () => {
      const view = OrderView.parse((await api.request('GET', `/api/orders/${orderId}`, { token: trader.apiKey })).body);
      return view.status === 'open' ? view : undefined;
    });
    const after = Date.now();
    const account = AccountView.parse((await api.request('GET', '/api/accounts/me', { token: trader.apiKey })).body);
    const ledger = pageOf(LedgerEntryView).parse(
      (await api.request('GET', '/api/me/ledger', { token: trader.apiKey })).body,
    );

    const times = [account.createdAt, order.createdAt, order.updatedAt, ...ledger.items.map((e) => e.createdAt)];
    expect(ledger.items.length).toBeGreaterThan(0);
    for (const time of times) {
      // Whole seconds either side: the database's clock and this process's are the same machine's.
      expect(Date.parse(time)).toBeGreaterThanOrEqual(before - 1_000);
      expect(Date.parse(time)).toBeLessThanOrEqual(after + 1_000);
    }
  });
});
