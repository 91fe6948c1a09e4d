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
    const reason = 'Aguardando divulgação de fato relevante';
    const halted = await api.request('POST', '/api/admin/markets/ITUB4/halt', {
      token: admin.apiKey,
      body: { reason: `  ${reason} ` },
    });
    expect(halted.status).toBe(200);
    const view = TradingStatusView.parse(halted.body);
    expect(view).toMatchObject({ symbol: 'ITUB4', halted: true, reason });
    // Every stream of tickers hears of it at once, and why.
    const tickers = (await stream).events.map((event) => TickerView.parse(event.data));
    expect(tickers.at(-1)).toMatchObject({ symbol: 'ITUB4', halted: true, haltReason: reason });
    expect(await ticker('ITUB4')).toMatchObject({ halted: true, haltReason: reason });
    // Halting again keeps the halt since the first time; a new reason replaces the old one, on every stream too.
    const restated = readStream(`${base}/api/stream/tickers`, {
      sentFirst: (events) => events.filter((event) => event.event === 'ticker').length >= 5,
      done: (events) =>
        events.some(
          (event) => event.event === 'ticker' && TickerView.parse(event.data).haltReason === 'Fato relevante',
        ),
    });
    await restated.opened;
    const again = await api.request('POST', '/api/admin/markets/ITUB4/halt', {
      token: admin.apiKey,
      body: { reason: 'Fato relevante' },
    });
    expect(TradingStatusView.parse(again.body)).toMatchObject({ since: view.since, reason: 'Fato relevante' });
    expect((await restated).events.length).toBeGreaterThan(5);
    expect(await ticker('ITUB4')).toMatchObject({ halted: true, haltReason: 'Fato relevante' });
    // The administrators' log has both, newest first.
    const log = await api.request('GET', '/api/admin/actions?action=halt', { token: admin.apiKey });
    const halts = (log.body as { items: { symbol: string; reason: string }[] }).items;
    expect(halts.filter((item) => item.symbol === 'ITUB4').map((item) => item.reason)).toEqual([
      'Fato relevante',
      reason,
    ]);
    expect(await ticker('BBDC4')).toMatchObject({ halted: false, haltReason: null });
    const haltedGauges = async () => {
      const metrics = await api.metrics();
      return metrics.match(/^api_trading_halted\{symbol="(\w+)"\} 1$/gm) ?? [];
    };
    expect(await haltedGauges()).toEqual(['api_trading_halted{symbol="ITUB4"} 1']);

    const cashBefore = await cash(trader);
    const refused = await buy(trader, 'ITUB4', '31.00');
    expect(refused.status).toBe(409);
    // The refusal says why, as the ticker does.
    expect(ApiErrorBody.parse(refused.body)).toMatchObject({
      code: 'trading_halted',
      message: 'trading in ITUB4 is halted: Fato relevante; cancels are still taken',
      details: { reason: 'Fato relevante', fields: [{ field: 'symbol', code: 'trading_halted' }] },
    });
    expect(await cash(trader)).toEqual(cashBefore);
    const amend = await api.request('PATCH', `/api/orders/${before.orderId}`, {
      token: trader.apiKey,
      body: { price: '32.00' },
    });
    expect(amend.status).toBe(409);
    expect(ApiErrorBody.parse(amend.body)).toMatchObject({
      code: 'trading_halted',
      details: { reason: 'Fato relevante' },
    });
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
      reason: null,
      reopensAt: null,
    });
    expect(await ticker('ITUB4')).toMatchObject({ halted: false, haltReason: null });
    expect(await haltedGauges()).toEqual([]);
    const after = await buy(trader, 'ITUB4', '31.00');
    expect(after.status).toBe(202);
    await until(async () => (await status(trader, OrderView.parse(after.body).orderId)) === 'open');
  });

  it('halts and resumes every instrument at once (a circuit breaker)', async () => {
    const admin = await newAdmin(api);
    const trader = await newTrader(api, 'breaker');
    const reason = 'Circuit breaker: Ibovespa -10%';
    const halted = await api.request('POST', '/api/admin/markets/halt', { token: admin.apiKey, body: { reason } });
    expect(halted.status).toBe(200);
    const statuses = (halted.body as unknown[]).map((view) => TradingStatusView.parse(view));
    expect(statuses.map(({ symbol, halted: isHalted, reason: why }) => [symbol, isHalted, why])).toEqual(
      ['PETR4', 'VALE3', 'ITUB4', 'BBDC4', 'ABEV3'].map((symbol) => [symbol, true, reason]),
    );
    for (const symbol of ['PETR4', 'ABEV3']) expect((await buy(trader, symbol, '10.00')).status).toBe(409);
    const resumed = await api.request('POST', '/api/admin/markets/resume', { token: admin.apiKey });
    expect((resumed.body as unknown[]).every((view) => !TradingStatusView.parse(view).halted)).toBe(true);
    // The engine's books were resumed too: an order rests.
    const order = await buy(trader, 'ABEV3', '10.00');
    expect(order.status).toBe(202);
    await until(async () => (await status(trader, OrderView.parse(order.body).orderId)) === 'open');
  });

  it('is for administrators only, for instruments traded here, and needs a reason', async () => {
    const trader = await newTrader(api, 'would-be-admin');
    const admin = await newAdmin(api);
    const body = { reason: 'Leilão de volatilidade' };
    const byTrader = await api.request('POST', '/api/admin/markets/PETR4/halt', { token: trader.apiKey, body });
    expect(byTrader.status).toBe(403);
    expect((await api.request('POST', '/api/admin/markets/halt', { token: trader.apiKey, body })).status).toBe(403);
    expect((await ticker('PETR4')).halted).toBe(false);
    const unknown = await api.request('POST', '/api/admin/markets/XPTO3/halt', { token: admin.apiKey, body });
    expect(unknown.status).toBe(404);
    expect(ApiErrorBody.parse(unknown.body).code).toBe('unknown_symbol');

    const invalid: [unknown, { field: string; code: string }][] = [
      [undefined, { field: 'reason', code: 'invalid_type' }],
      [{}, { field: 'reason', code: 'invalid_type' }],
      [{ reason: ' ab ' }, { field: 'reason', code: 'too_small' }],
      [{ reason: 'x'.repeat(501) }, { field: 'reason', code: 'too_big' }],
      [
        { reason: 'ok, why not', until: 'later' },
        { field: 'until', code: 'unrecognized_keys' },
      ],
    ];
    for (const path of ['/api/admin/markets/PETR4/halt', '/api/admin/markets/halt']) {
      for (const [invalidBody, fault] of invalid) {
        const answer = await api.request('POST', path, { token: admin.apiKey, body: invalidBody });
        expect(answer.status, JSON.stringify(invalidBody)).toBe(400);
        const error = ApiErrorBody.parse(answer.body);
        expect(error.code).toBe('validation_failed');
        expect(error.details?.fields, JSON.stringify(invalidBody)).toEqual([expect.objectContaining(fault)]);
      }
    }
    expect((await ticker('PETR4')).halted).toBe(false);
  });
});
