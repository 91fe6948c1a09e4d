import { AdminSummary, ApiErrorBody, ApiKeyView, CreatedApiKey, OrderView, PlatformHealth } from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAdmin, newTrader, readStream, startTestApi, type TestApi } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;
let base: string;
let alice: Awaited<ReturnType<typeof newTrader>>;
let bob: Awaited<ReturnType<typeof newTrader>>;
let aliceOrder: OrderView;

beforeAll(async () => {
  api = await startTestApi();
  base = await api.listen();
  alice = await newTrader(api, 'alice');
  bob = await newTrader(api, 'bob');
  aliceOrder = OrderView.parse(
    (
      await api.request('POST', '/api/orders', {
        token: alice.apiKey,
        body: { symbol: 'PETR4', side: 'buy', type: 'limit', price: '20.00', quantity: '5' },
      })
    ).body,
  );
});

afterAll(async () => {
  await api.stop();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const ANY_UUID = '00000000-0000-4000-8000-0000000000aa';

/** Every route that needs a caller, with a body good enough to get past validation. */
const PROTECTED: Array<[Method, string, unknown?]> = [
  ['GET', '/api/accounts/me'],
  ['GET', '/api/me/api-keys'],
  ['GET', '/api/me/sessions'],
  ['DELETE', '/api/me/sessions'],
  ['DELETE', `/api/me/sessions/${'0'.repeat(64)}`],
  ['POST', '/api/me/api-keys', { label: 'x' }],
  ['DELETE', `/api/me/api-keys/${ANY_UUID}`],
  ['GET', '/api/me/wallet'],
  ['GET', '/api/me/ledger'],
  ['GET', '/api/me/orders'],
  ['GET', '/api/me/trades'],
  ['GET', '/api/me/trades?format=csv'],
  ['GET', '/api/me/ledger?format=csv'],
  ['GET', '/api/me/trades/monthly'],
  ['POST', '/api/me/deposits', { amount: '1.00' }],
  ['POST', '/api/me/withdrawals', { amount: '1.00' }],
  ['POST', '/api/orders', { symbol: 'PETR4', side: 'buy', type: 'limit', price: '1.00', quantity: '1' }],
  ['GET', '/api/orders'],
  ['DELETE', '/api/orders'],
  ['GET', `/api/orders/${ANY_UUID}`],
  ['GET', `/api/orders/${ANY_UUID}/timeline`],
  ['DELETE', `/api/orders/${ANY_UUID}`],
  ['PATCH', `/api/orders/${ANY_UUID}`, { quantity: '1' }],
  ['POST', '/api/auth/logout'],
  ['POST', '/api/auth/password', { currentPassword: 'x', newPassword: 'a long enough password' }],
  ['POST', '/api/admin/markets/PETR4/halt'],
  ['POST', '/api/admin/markets/PETR4/resume'],
  ['POST', '/api/admin/markets/halt'],
  ['POST', '/api/admin/markets/resume'],
  ['GET', '/api/admin/summary'],
  ['GET', '/api/admin/health'],
  ['GET', '/api/admin/reconciliation'],
  ['GET', '/api/admin/actions'],
  ['GET', `/api/admin/orders/${ANY_UUID}`],
  ['GET', `/api/admin/orders/${ANY_UUID}/timeline`],
  ['GET', `/api/admin/orders?accountId=${ANY_UUID}`],
  ['GET', '/api/admin/accounts'],
  ['GET', `/api/admin/accounts/${ANY_UUID}`],
  ['POST', `/api/admin/accounts/${ANY_UUID}/suspension`, { reason: 'a reason' }],
  ['DELETE', `/api/admin/accounts/${ANY_UUID}/suspension`],
  ['POST', `/api/admin/accounts/${ANY_UUID}/api-keys/${ANY_UUID}/revocation`, { reason: 'a reason' }],
  ['POST', `/api/admin/accounts/${ANY_UUID}/sessions/end`, { reason: 'a reason' }],
];
const STREAMS = ['/api/stream/orders', '/api/stream/me', '/api/stream/trades'];

describe('without credentials', () => {
  it.each(PROTECTED)('%s %s answers 401', async (method, url, body) => {
    const response = await api.request(method, url, body === undefined ? {} : { body });
    expect(response.status).toBe(401);
    expect(ApiErrorBody.parse(response.body).code).toBe('unauthorized');
  });

  it.each(STREAMS)('the stream %s answers 401 before streaming', async (path) => {
    const { status } = await readStream(`${base}${path}`, { done: () => true, timeoutMs: 3000 });
    expect(status).toBe(401);
  });
});

describe("with another trader's credentials", () => {
  it.each(['GET', 'DELETE', 'PATCH'] as const)(
    "%s on someone else's order answers 404, as if it did not exist",
    async (method) => {
      const response = await api.request(method, `/api/orders/${aliceOrder.orderId}`, {
        token: bob.apiKey,
        ...(method === 'PATCH' ? { body: { quantity: '1' } } : {}),
      });
      expect(response.status).toBe(404);
      const mine = await api.request('GET', `/api/orders/${aliceOrder.orderId}`, { token: alice.apiKey });
      expect(OrderView.parse(mine.body).quantity).toBe('5');
    },
  );

  it("never lists someone else's orders, ledger entries or wallet", async () => {
    const bobsOrders = await api.request('GET', '/api/me/orders', { token: bob.apiKey });
    expect((bobsOrders.body as { items: unknown[] }).items).toEqual([]);
    const bobsLedger = await api.request('GET', '/api/me/ledger?limit=500', { token: bob.apiKey });
    expect(JSON.stringify(bobsLedger.body)).not.toContain(aliceOrder.orderId);
    const bobsWallet = await api.request('GET', '/api/me/wallet', { token: bob.apiKey });
    expect(bobsWallet.body).toMatchObject({ cash: { held: '0.00' } });
  });
});

describe('a read-only API key', () => {
  let readOnly: CreatedApiKey;

  beforeAll(async () => {
    const created = await api.request('POST', '/api/me/api-keys', {
      token: alice.apiKey,
      body: { label: 'watcher', access: 'read' },
    });
    expect(created.status).toBe(201);
    readOnly = CreatedApiKey.parse(created.body);
    expect(readOnly.access).toBe('read');
  });

  it('reads: its account, its wallet, its orders, its live stream', async () => {
    for (const url of ['/api/accounts/me', '/api/me/wallet', `/api/orders/${aliceOrder.orderId}`, '/api/me/api-keys']) {
      expect((await api.request('GET', url, { token: readOnly.token })).status, url).toBe(200);
    }
    const stream = await readStream(`${base}/api/stream/orders`, {
      headers: { authorization: `Bearer ${readOnly.token}` },
      done: () => true,
      timeoutMs: 1000,
    });
    expect(stream.status).toBe(200);
  });

  it.each(PROTECTED.filter(([method]) => method !== 'GET'))(
    '%s %s answers 403 read_only_key, and does nothing',
    async (method, url, body) => {
      const response = await api.request(method, url, {
        token: readOnly.token,
        ...(body === undefined ? {} : { body }),
      });
      expect(response.status).toBe(403);
      expect(ApiErrorBody.parse(response.body).code).toBe('read_only_key');
    },
  );

  it('left everything as it was: the order open, no key made, the key itself live', async () => {
    const order = await api.request('GET', `/api/orders/${aliceOrder.orderId}`, { token: alice.apiKey });
    expect(OrderView.parse(order.body)).toMatchObject({ quantity: '5', status: expect.not.stringMatching(/cancel/) });
    const keys = ApiKeyView.array().parse((await api.request('GET', '/api/me/api-keys', { token: alice.apiKey })).body);
    expect(keys.filter((key) => key.revokedAt === null).map((key) => [key.label, key.access])).toEqual([
      ['watcher', 'read'],
      ['default', 'trade'],
    ]);
  });

  it('is asked for as read or trade, nothing else', async () => {
    const refused = await api.request('POST', '/api/me/api-keys', {
      token: alice.apiKey,
      body: { label: 'admin', access: 'admin' },
    });
    expect(refused.status).toBe(400);
    expect(ApiErrorBody.parse(refused.body).details).toMatchObject({ fields: [{ field: 'access' }] });
  });
});

describe('a trader on admin routes', () => {
  it('gets 403 on the admin summary and the all-trades stream; an admin gets them', async () => {
    const summary = await api.request('GET', '/api/admin/summary', { token: alice.apiKey });
    expect(summary.status).toBe(403);
    expect(ApiErrorBody.parse(summary.body).code).toBe('forbidden');
    const stream = await readStream(`${base}/api/stream/trades`, {
      headers: { authorization: `Bearer ${alice.apiKey}` },
      done: () => true,
      timeoutMs: 3000,
    });
    expect(stream.status).toBe(403);

    const admin = await newAdmin(api);
    const allowed = await api.request('GET', '/api/admin/summary', { token: admin.apiKey });
    expect(allowed.status).toBe(200);
    expect(AdminSummary.parse(allowed.body).accounts.traders).toBeGreaterThanOrEqual(2);
    const viaCookie = await api.request('GET', '/api/admin/summary', { headers: { cookie: admin.cookie } });
    expect(viaCookie.status).toBe(200);
    expect((await api.request('GET', '/api/admin/health', { token: alice.apiKey })).status).toBe(403);
    const health = await api.request('GET', '/api/admin/health', { token: admin.apiKey });
    expect(PlatformHealth.parse(health.body)).toMatchObject({
      api: { status: 'up' },
      database: { status: 'up' },
      engine: { status: 'unknown' },
    });
    const adminStream = await readStream(`${base}/api/stream/trades`, {
      headers: { cookie: admin.cookie },
      done: () => true,
      timeoutMs: 1000,
    });
    expect(adminStream.status).toBe(200);
  });
});
