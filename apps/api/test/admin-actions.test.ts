import { AdminActionsPage, ApiErrorBody, type AdminActionView } from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlPool } from '../src/database/sql-pool.js';
import { CommandPublisher } from '../src/messaging/kafka.js';
import { SessionCloser } from '../src/sessions/session-closer.js';
import { localTime } from '../src/sessions/trading-clock.js';
import { newAdmin, newTrader, startTestApi, type TestApi } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ MARKET_CLOSE: '18:00', MARKET_TIMEZONE: 'America/Sao_Paulo' });
  // The clock's closes happen when this test says (with a time of its own), not on the real clock.
  await api.app.get(SessionCloser).onModuleDestroy();
});

afterAll(async () => {
  await api.stop();
});

async function actions(token: string, query = ''): Promise<AdminActionsPage> {
  const response = await api.request('GET', `/api/admin/actions${query}`, { token });
  expect(response.status).toBe(200);
  return AdminActionsPage.parse(response.body);
}

describe("the administrators' log", () => {
  it('records who halted, resumed, closed the day, suspended and reinstated, why, and with which trace', async () => {
    const admin = await newAdmin(api);
    const trader = await newTrader(api, 'logged-trader');
    const traces: string[] = [];
    const act = async (method: 'POST' | 'DELETE', url: string, body?: unknown) => {
      const response = await api.request(method, url, { token: admin.apiKey, ...(body === undefined ? {} : { body }) });
      expect(response.status).toBeLessThan(300);
      traces.push(String(response.headers['x-trace-id']));
    };
    const before = (await actions(admin.apiKey)).items[0]?.id ?? '0';

    await act('POST', '/api/admin/markets/VALE3/halt', { reason: 'pending announcement' });
    // Halting a halted instrument for the same reason changes nothing, so it is not logged again.
    await act('POST', '/api/admin/markets/VALE3/halt', { reason: 'pending announcement' });
    await act('POST', '/api/admin/markets/VALE3/resume');
    await act('POST', '/api/admin/end-of-day');
    await act('POST', `/api/admin/accounts/${trader.accountId}/suspension`, { reason: 'documents under review' });
    await act('DELETE', `/api/admin/accounts/${trader.accountId}/suspension`);
    // The exchange's own clock closing a day is logged with nobody as its author.
    const clockClose = await api.app.get(SessionCloser).tick(new Date('2031-03-04T22:00:00Z'));
    expect(clockClose).not.toBeNull();

    const logged = (await actions(admin.apiKey)).items.filter((item) => BigInt(item.id) > BigInt(before));
    const by = { accountId: admin.accountId, name: 'Admin' };
    const account = { accountId: trader.accountId, name: 'logged-trader' };
    const expected: Omit<AdminActionView, 'id' | 'at'>[] = [
      { action: 'end_of_day', by: null, symbol: null, account: null, reason: null, traceId: clockClose!.traceId },
      { action: 'reinstate', by, symbol: null, account, reason: null, traceId: traces[5]! },
      { action: 'suspend', by, symbol: null, account, reason: 'documents under review', traceId: traces[4]! },
      { action: 'end_of_day', by, symbol: null, account: null, reason: null, traceId: traces[3]! },
      { action: 'resume', by, symbol: 'VALE3', account: null, reason: null, traceId: traces[2]! },
      { action: 'halt', by, symbol: 'VALE3', account: null, reason: 'pending announcement', traceId: traces[0]! },
    ];
    expect(logged.map(({ id: _id, at: _at, ...rest }) => rest)).toEqual(expected);
    const times = logged.map((item) => Date.parse(item.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // One kind at a time, and a page at a time.
    const halts = await actions(admin.apiKey, '?action=halt');
    expect(halts.items.every((item) => item.action === 'halt')).toBe(true);
    expect(halts.items[0]?.traceId).toBe(traces[0]);
    const first = await actions(admin.apiKey, '?limit=2');
    expect(first.items.map((item) => item.id)).toEqual(logged.slice(0, 2).map((item) => item.id));
    const second = await actions(admin.apiKey, `?limit=2&cursor=${first.nextCursor!}`);
    expect(second.items.map((item) => item.id)).toEqual(logged.slice(2, 4).map((item) => item.id));
  });

  it("leaves out a clock's close that Kafka would not take, as the day is left open, and logs it once it goes through", async () => {
    const admin = await newAdmin(api);
    const closer = api.app.get(SessionCloser);
    const publisher = api.app.get(CommandPublisher);
    const sql = api.app.get(SqlPool);
    const day = '2031-05-06';
    const at = new Date('2031-05-06T22:00:00Z');
    const logged = async () => (await actions(admin.apiKey, '?action=end_of_day')).items[0]?.traceId;
    const before = await logged();
    const publish = publisher.publish.bind(publisher);
    publisher.publish = () => Promise.reject(new Error('Kafka is away'));
    try {
      expect(await closer.tick(at)).toBeNull();
    } finally {
      publisher.publish = publish;
    }
    expect(await logged()).toBe(before);
    const open = await sql.query('SELECT 1 FROM market_sessions WHERE trading_day = $1', [day]);
    expect(open.rowCount).toBe(0);
    const closed = await closer.tick(at);
    expect(closed?.tradingDay).toBe(day);
    expect(await logged()).toBe(closed!.traceId);
  });

  it("answers an admin's close the engine cannot be told of with 503, leaves a day it opened open, and logs none of it", async () => {
    const admin = await newAdmin(api);
    const publisher = api.app.get(CommandPublisher);
    const sql = api.app.get(SqlPool);
    const today = localTime(new Date(), 'America/Sao_Paulo').day;
    const dayRows = async () =>
      (await sql.query('SELECT trace_id FROM market_sessions WHERE trading_day = $1', [today])).rows;
    const latest = async () => (await actions(admin.apiKey, '?action=end_of_day')).items[0]?.traceId;
    const close = () => api.request('POST', '/api/admin/end-of-day', { token: admin.apiKey });
    const whileKafkaIsAway = async () => {
      const publish = publisher.publish.bind(publisher);
      publisher.publish = () => Promise.reject(new Error('Kafka is away'));
      try {
        const refused = await close();
        expect([refused.status, ApiErrorBody.parse(refused.body).code]).toEqual([503, 'unavailable']);
      } finally {
        publisher.publish = publish;
      }
    };
    await sql.query('DELETE FROM market_sessions WHERE trading_day = $1', [today]);
    const before = await latest();
    await whileKafkaIsAway();
    expect(await dayRows()).toEqual([]);
    expect(await latest()).toBe(before);

    const closed = await close();
    expect(closed.status).toBe(202);
    const traceId = String(closed.headers['x-trace-id']);
    expect(await latest()).toBe(traceId);
    // Closed already: a close that fails now leaves the day closed, and the log as it was.
    await whileKafkaIsAway();
    expect((await dayRows()).length).toBe(1);
    expect(await latest()).toBe(traceId);
  });

  it('is for administrators only, and refuses a bad query with the field at fault', async () => {
    const trader = await newTrader(api);
    const admin = await newAdmin(api);
    expect((await api.request('GET', '/api/admin/actions', { token: trader.apiKey })).status).toBe(403);
    for (const [query, field] of [
      ['?action=delete', 'action'],
      ['?limit=0', 'limit'],
      ['?cursor=not-ours', 'cursor'],
    ] as const) {
      const response = await api.request('GET', `/api/admin/actions${query}`, { token: admin.apiKey });
      expect(response.status).toBe(400);
      expect(ApiErrorBody.parse(response.body).details.fields?.map((f) => f.field)).toEqual([field]);
    }
  });
});
