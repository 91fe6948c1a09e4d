import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiErrorBody,
  DEFAULT_INSTRUMENTS,
  InstrumentView,
  OrderView,
  TickerView,
  TradeView,
  type Instrument,
} from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReopeningOpener } from '../src/markets/reopening-opener.js';
import { startInTestEngine } from './engine-in-test.js';
import { newAdmin, newTrader, startTestApi, until, type TestApi } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

/** PETR4 with a 10% tunnel around its reference, 38.00 (34.20 to 41.80), and volatility auctions of ten minutes. */
const INSTRUMENTS: Instrument[] = DEFAULT_INSTRUMENTS.map((instrument) =>
  instrument.symbol === 'PETR4' ? { ...instrument, volatilityAuction: { tunnelBps: 1_000, seconds: 600 } } : instrument,
);

let api: TestApi;
let engine: { stop(): Promise<void> };

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'bolsa-instruments-')), 'instruments.json');
  writeFileSync(file, JSON.stringify(INSTRUMENTS));
  api = await startTestApi({ INSTRUMENTS_FILE: file });
  // Its timer would end the auction ten minutes on; here the test says when it ends.
  await api.app.get(ReopeningOpener).onModuleDestroy();
  engine = await startInTestEngine(api.broker.bootstrap, INSTRUMENTS);
});

afterAll(async () => {
  await engine.stop();
  await api.stop();
});

describe('a volatility auction', () => {
  it('starts when an order would trade beyond the tunnel: what cannot rest is refused, and at its end one price', async () => {
    const seller = await newTrader(api, 'volatility-seller');
    const buyer = await newTrader(api, 'volatility-buyer');
    const place = (token: string, body: Record<string, string>) =>
      api.request('POST', '/api/orders', { token, body: { symbol: 'PETR4', ...body } });
    const status = async (token: string, order: OrderView) =>
      OrderView.parse((await api.request('GET', `/api/orders/${order.orderId}`, { token })).body).status;
    const ticker = async () => TickerView.parse((await api.request('GET', '/api/markets/PETR4/ticker')).body);
    const trades = async () =>
      ((await api.request('GET', '/api/markets/PETR4/trades')).body as unknown[]).map((trade) =>
        TradeView.parse(trade),
      );

    const instruments = (await api.request('GET', '/api/instruments')).body as unknown[];
    const petr4 = instruments.map((view) => InstrumentView.parse(view)).find(({ symbol }) => symbol === 'PETR4');
    expect(petr4?.volatilityAuction).toEqual({ tunnelPercent: '10.00', seconds: 600 });

    const inside = OrderView.parse(
      (await place(seller.apiKey, { side: 'sell', type: 'limit', price: '41.00', quantity: '5' })).body,
    );
    const beyond = OrderView.parse(
      (await place(seller.apiKey, { side: 'sell', type: 'limit', price: '43.00', quantity: '5' })).body,
    );
    await until(async () => (await status(seller.apiKey, beyond)) === 'open');
    const before = Date.now();
    const buy = OrderView.parse(
      (await place(buyer.apiKey, { side: 'buy', type: 'limit', price: '44.00', quantity: '10' })).body,
    );
    // It takes what is inside the tunnel; the rest rests, crossed, and the instrument is in its auction.
    await until(async () => (await status(buyer.apiKey, buy)) === 'partially_filled');
    expect(await status(seller.apiKey, inside)).toBe('filled');
    const inAuction = await until(async () => {
      const now = await ticker();
      return now.callAuction === 'volatility' && now;
    });
    const endsAt = Date.parse(inAuction.reopensAt!);
    expect(endsAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(endsAt).toBeLessThanOrEqual(Date.now() + 600_000);
    expect((await trades()).map(({ price, quantity, auction }) => [price, quantity, auction])).toEqual([
      ['41.00', '5', false],
    ]);
    const refused = await place(buyer.apiKey, { side: 'buy', type: 'market', quantity: '1' });
    expect(refused.status).toBe(409);
    expect(ApiErrorBody.parse(refused.body)).toMatchObject({
      code: 'auction_call',
      details: { auction: 'volatility', endsAt: new Date(endsAt).toISOString() },
    });

    // Its end: the crossed orders trade at one price, the auction's, and the instrument trades continuously again.
    expect(await api.app.get(ReopeningOpener).tick(new Date(endsAt + 1))).toEqual(['PETR4']);
    await until(async () => (await status(buyer.apiKey, buy)) === 'filled');
    expect((await trades())[0]).toMatchObject({ price: '43.00', quantity: '5', auction: true });
    await until(async () => (await ticker()).callAuction === null);
    expect((await place(buyer.apiKey, { side: 'buy', type: 'market', quantity: '1' })).status).toBe(202);
  });

  it('outlives a halt: resumed before its end, the instrument is still in it until its end', async () => {
    const admin = await newAdmin(api);
    const seller = await newTrader(api, 'volatility-halted-seller');
    const buyer = await newTrader(api, 'volatility-halted-buyer');
    const place = (token: string, body: Record<string, string>) =>
      api.request('POST', '/api/orders', { token, body: { symbol: 'PETR4', ...body } });
    const ticker = async () => TickerView.parse((await api.request('GET', '/api/markets/PETR4/ticker')).body);
    // The last auction printed 43.00: the tunnel is now 38.70 to 47.30.
    await place(seller.apiKey, { side: 'sell', type: 'limit', price: '48.00', quantity: '5' });
    await until(async () => (await ticker()).callAuction === null);
    const buy = OrderView.parse(
      (await place(buyer.apiKey, { side: 'buy', type: 'limit', price: '49.00', quantity: '5' })).body,
    );
    const inAuction = await until(async () => {
      const now = await ticker();
      return now.callAuction === 'volatility' && now;
    });
    const asAdmin = (path: string, body?: unknown) => api.request('POST', path, { token: admin.apiKey, body });
    expect((await asAdmin('/api/admin/markets/PETR4/halt', { reason: 'Oscilação atípica' })).status).toBe(200);
    expect(await ticker()).toMatchObject({ halted: true, callAuction: 'volatility', reopensAt: inAuction.reopensAt });
    expect((await asAdmin('/api/admin/markets/PETR4/resume')).status).toBe(200);
    expect(await ticker()).toMatchObject({ halted: false, callAuction: 'volatility', reopensAt: inAuction.reopensAt });
    const refused = await place(buyer.apiKey, { side: 'buy', type: 'market', quantity: '1' });
    expect(ApiErrorBody.parse(refused.body)).toMatchObject({
      code: 'auction_call',
      details: { auction: 'volatility' },
    });
    // Its end uncrosses the resumed book.
    const endsAt = Date.parse(inAuction.reopensAt!);
    expect(await api.app.get(ReopeningOpener).tick(new Date(endsAt + 1))).toEqual(['PETR4']);
    await until(async () => {
      const order = OrderView.parse(
        (await api.request('GET', `/api/orders/${buy.orderId}`, { token: buyer.apiKey })).body,
      );
      return order.status === 'filled';
    });
    await until(async () => (await ticker()).callAuction === null);
  });
});
