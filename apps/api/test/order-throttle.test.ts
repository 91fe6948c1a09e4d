import { ApiErrorBody, OrderView } from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlPool } from '../src/database/sql-pool.js';
import { newTrader, startTestApi, type TestApi } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ ORDER_ENTRY_PER_SECOND: '3' });
});

afterAll(async () => {
  await api.stop();
});

const bid = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '30.00', quantity: '1' };

describe('ORDER_ENTRY_PER_SECOND', () => {
  it('refuses an account’s new orders and amends past it with 429 until the second is over, and never its cancels', async () => {
    const busy = await newTrader(api, 'throttle-busy');
    const calm = await newTrader(api, 'throttle-calm');
    const placed: OrderView[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await api.request('POST', '/api/orders', { token: busy.apiKey, body: bid });
      expect(response.status).toBe(202);
      placed.push(OrderView.parse(response.body));
    }
    // An amend counts too: the third command of the second.
    const amend = await api.request('PATCH', `/api/orders/${placed[0]!.orderId}`, {
      token: busy.apiKey,
      body: { quantity: '2' },
    });
    expect(amend.status).toBe(202);

    const refused = await api.request('POST', '/api/orders', { token: busy.apiKey, body: bid });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(ApiErrorBody.parse(refused.body)).toMatchObject({
      code: 'rate_limited',
      details: { limitPerSecond: 3, retryAfterSeconds: 1 },
    });
    const refusedAmend = await api.request('PATCH', `/api/orders/${placed[1]!.orderId}`, {
      token: busy.apiKey,
      body: { quantity: '3' },
    });
    expect(refusedAmend.status).toBe(429);
    // Cancels always go through, and other accounts are not held back.
    expect((await api.request('DELETE', `/api/orders/${placed[1]!.orderId}`, { token: busy.apiKey })).status).toBe(202);
    expect((await api.request('POST', '/api/orders', { token: calm.apiKey, body: bid })).status).toBe(202);

    // Nothing of the refused ones was recorded or held.
    const sql = api.app.get(SqlPool);
    const { rows } = await sql.query<{ orders: number }>(
      'SELECT count(*)::int AS orders FROM orders WHERE account_id = $1',
      [busy.accountId],
    );
    expect(rows[0]!.orders).toBe(2);

    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect((await api.request('POST', '/api/orders', { token: busy.apiKey, body: bid })).status).toBe(202);
  });
});
