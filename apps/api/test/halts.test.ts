import { ApiErrorBody, OrderView, TickerView, TradingStatusView, WalletView } from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInTestEngine } from './engine-in-test.js';
import { newAdmin, newTrader, readStream, startTestApi, type TestApi, until } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;
let base: string;
let engine: { stop(): Promise<void> };

beforeAll(async () => {
  api = await startTestApi();
  base = await api.listen();
  engine = await startInTestEngine(api.broker.bootstrap);
});

afterAll(async () => {
  await engine.stop();
  await api.stop();
});

type Trader = Awaited<ReturnType<typeof newTrader>>;

const buy = (trader: Trader, symbol: string, price: string) =>
  api.request('POST', '/api/orders', {
    token: trader.apiKey,
    body: { symbol, side: 'buy', type: 'limit', price, quantity: '10' },
  });
const status = async (trader: Trader, orderId: string) =>
  OrderView.parse((await api.request('GET', `/api/orders/${orderId}`, { token: trader.apiKey })).body).status;
const ticker = async (symbol: string) =>
  TickerView.parse((await api.request('GET', `/api/markets/${symbol}/ticker`)).body);
const cash = async (trader: Trader) =>
  WalletView.parse((await api.request('GET', '/api/me/wallet', { token: trader.apiKey })).body).cash;

describe('trading halts', () => {
  it('refuses new orders and amends in a halted instrument, takes cancels, and trades again once resumed', async () => {
    const admin = await newAdmin(api);
    const trader = await newTrader(api, 'halted-trader');
    const before = OrderView.parse((await buy(trader, 'ITUB4', '30.00')).body);
    await until(async () => (await status(trader, before.orderId)) === 'open');

    const stream = readStream(`${base}/api/stream/tickers`, {
      sentFirst: (events) => events.filter((event) => event.event === 'ticker').length >= 5,
      done: (events) => events.some((event) => event.event === 'ticker' && TickerView.parse(event.data).halted),
    });
    await stream.opened;
    const halted = await api.request('POST', '/api/admin/markets/ITUB4/halt', { token: admin.apiKey });
    expect(halted.status).toBe(200);
    const view = TradingStatusView.parse(halted.body);
    expect(view).toMatchObject({ symbol: 'ITUB4', halted: true });
    // Halting again changes nothing: it has been halted since the first time.
    const again = await api.request('POST', '/api/admin/markets/ITUB4/halt', { token: admin.apiKey });
    expect(TradingStatusView.parse(again.body).since).toBe(view.since);
    // Every stream of tickers hears of it at once.
    const tickers = (await stream).events.map((event) => TickerView.parse(event.data));
    expect(tickers.at(-1)).toMatchObject({ symbol: 'ITUB4', halted: true });
    expect((await ticker('ITUB4')).halted).toBe(true);
    expect((await ticker('BBDC4')).halted).toBe(false);
    const haltedGauges = async () => {
      const metrics = await api.metrics();
      return metrics.match(/^api_trading_halted\{symbol="(\w+)"\} 1$/gm) ?? [];
    };
    expect(await haltedGauges()).toEqual(['api_trading_halted{symbol="ITUB4"} 1']);

    const cashBefore = await cash(trader);
    const refused = await buy(trader, 'ITUB4', '31.00');
    expect(refused.status).toBe(409);
    expect(ApiErrorBody.parse(refused.body)).toMatchObject({
      code: 'trading_halted',
      details: { fields: [{ field: 'symbol', code: 'trading_halted' }] },
    });
    expect(await cash(trader)).toEqual(cashBefore);
    const amend = await api.request('PATCH', `/api/orders/${before.orderId}`, {
      token: trader.apiKey,
      body: { price: '32.00' },
    });
    expect(amend.status).toBe(409);
    expect(ApiErrorBody.parse(amend.body).code).toBe('trading_halted');
    // Other instruments trade as before.
    expect((await buy(trader, 'BBDC4', '14.00')).status).toBe(202);
    // A cancel is taken: a trader can always get out of the book.
    const cancel = await api.request('DELETE', `/api/orders/${before.orderId}`, { token: trader.apiKey });
    expect(cancel.status).toBe(202);
    await until(async () => (await status(trader, before.orderId)) === 'cancelled');

    const resumed = await api.request('POST', '/api/admin/markets/ITUB4/resume', { token: admin.apiKey });
    expect(TradingStatusView.parse(resumed.body)).toEqual({
      symbol: 'ITUB4',
      halted: false,
      since: null,
      reopensAt: null,
    });
    expect((await ticker('ITUB4')).halted).toBe(false);
    expect(await haltedGauges()).toEqual([]);
    const after = await buy(trader, 'ITUB4', '31.00');
    expect(after.status).toBe(202);
    await until(async () => (await status(trader, OrderView.parse(after.body).orderId)) === 'open');
  });

  it('halts and resumes every instrument at once (a circuit breaker)', async () => {
    const admin = await newAdmin(api);
    const trader = await newTrader(api, 'breaker');
    const halted = await api.request('POST', '/api/admin/markets/halt', { token: admin.apiKey });
    expect(halted.status).toBe(200);
    const statuses = (halted.body as unknown[]).map((view) => TradingStatusView.parse(view));
    expect(statuses.map(({ symbol, halted: isHalted }) => [symbol, isHalted])).toEqual(
      ['PETR4', 'VALE3', 'ITUB4', 'BBDC4', 'ABEV3'].map((symbol) => [symbol, true]),
    );
    for (const symbol of ['PETR4', 'ABEV3']) expect((await buy(trader, symbol, '10.00')).status).toBe(409);
    const resumed = await api.request('POST', '/api/admin/markets/resume', { token: admin.apiKey });
    expect((resumed.body as unknown[]).every((view) => !TradingStatusView.parse(view).halted)).toBe(true);
    // The engine's books were resumed too: an order rests.
    const order = await buy(trader, 'ABEV3', '10.00');
    expect(order.status).toBe(202);
    await until(async () => (await status(trader, OrderView.parse(order.body).orderId)) === 'open');
  });

  it('is for administrators only, and for instruments traded here', async () => {
    const trader = await newTrader(api, 'would-be-admin');
    const admin = await newAdmin(api);
    const byTrader = await api.request('POST', '/api/admin/markets/PETR4/halt', { token: trader.apiKey });
    expect(byTrader.status).toBe(403);
    expect((await api.request('POST', '/api/admin/markets/halt', { token: trader.apiKey })).status).toBe(403);
    expect((await ticker('PETR4')).halted).toBe(false);
    const unknown = await api.request('POST', '/api/admin/markets/XPTO3/halt', { token: admin.apiKey });
    expect(unknown.status).toBe(404);
    expect(ApiErrorBody.parse(unknown.body).code).toBe('unknown_symbol');
  });
});
