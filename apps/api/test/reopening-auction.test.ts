import {
  ApiErrorBody,
  BookView,
  OrderView,
  TickerView,
  TradeView,
  TradingCalendarView,
  TradingStatusView,
  type HaltTradingRequest,
  type ResumeTradingCommand,
} from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReopeningOpener } from '../src/markets/reopening-opener.js';
import { startInTestEngine } from './engine-in-test.js';
import { newAdmin, newTrader, readStream, startTestApi, until, watchCommands, type TestApi } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

const REOPENING_MS = 600_000;
const HALT: HaltTradingRequest = { reason: 'Aguardando fato relevante' };

let api: TestApi;
let base: string;
let engine: { stop(): Promise<void> };

beforeAll(async () => {
  api = await startTestApi({ MARKET_REOPENING_SECONDS: String(REOPENING_MS / 1000) });
  base = await api.listen();
  // Its timer would end the reopening ten minutes on; here the test says when it ends.
  await api.app.get(ReopeningOpener).onModuleDestroy();
  engine = await startInTestEngine(api.broker.bootstrap);
});

afterAll(async () => {
  await engine.stop();
  await api.stop();
});

type Trader = Awaited<ReturnType<typeof newTrader>>;

const place = (trader: Trader, body: Record<string, string | boolean>) =>
  api.request('POST', '/api/orders', { token: trader.apiKey, body: { symbol: 'ITUB4', ...body } });
const status = async (trader: Trader, order: OrderView) =>
  OrderView.parse((await api.request('GET', `/api/orders/${order.orderId}`, { token: trader.apiKey })).body).status;
const ticker = async () => TickerView.parse((await api.request('GET', '/api/markets/ITUB4/ticker')).body);
const reopeningGauge = async () => (await api.metrics()).match(/^api_trading_reopening\{symbol="ITUB4"\} (\d)$/m)?.[1];

describe('the reopening call auction after a halt', () => {
  it('resumes into a call: orders rest crossed, what cannot rest is refused, and at its end they trade at one price', async () => {
    const admin = await newAdmin(api);
    const seller = await newTrader(api, 'reopening-seller');
    const buyer = await newTrader(api, 'reopening-buyer');
    const resumes: ResumeTradingCommand[] = [];
    const watcher = await watchCommands(api, 'reopening-watch', (command) => {
      if (command.type === 'resume_trading') resumes.push(command);
    });
    const adminPost = async (path: string, body?: HaltTradingRequest) =>
      TradingStatusView.parse((await api.request('POST', path, { token: admin.apiKey, body })).body);

    const calendar = TradingCalendarView.parse((await api.request('GET', '/api/calendar')).body);
    expect(calendar.reopeningSeconds).toBe(REOPENING_MS / 1000);
    await adminPost('/api/admin/markets/ITUB4/halt', HALT);
    const before = Date.now();
    const resumed = await adminPost('/api/admin/markets/ITUB4/resume');
    expect(resumed).toMatchObject({ symbol: 'ITUB4', halted: false, since: null });
    const endsAt = new Date(resumed.reopensAt!);
    expect(endsAt.getTime()).toBeGreaterThanOrEqual(before + REOPENING_MS);
    expect(endsAt.getTime()).toBeLessThanOrEqual(Date.now() + REOPENING_MS);
    // The book is told when the reopening ends; the ticker and the metrics say it is on.
    await until(async () => resumes.length > 0);
    await watcher.disconnect();
    expect(resumes.map((command) => command.auctionEndsAt)).toEqual([endsAt.getTime()]);
    expect((await ticker()).reopensAt).toBe(endsAt.toISOString());
    expect(await reopeningGauge()).toBe('1');

    const sell = OrderView.parse(
      (await place(seller, { side: 'sell', type: 'limit', price: '30.00', quantity: '10' })).body,
    );
    const buy = OrderView.parse(
      (await place(buyer, { side: 'buy', type: 'limit', price: '30.50', quantity: '10' })).body,
    );
    await until(async () => (await status(seller, sell)) === 'open' && (await status(buyer, buy)) === 'open');
    const book = BookView.parse((await api.request('GET', '/api/markets/ITUB4/book?depth=1')).body);
    expect([book.bids[0]?.price, book.asks[0]?.price]).toEqual(['30.50', '30.00']);
    // ITUB4's reference price, 33.00, is nearer 30.50.
    expect(book.uncross).toEqual({ price: '30.50', quantity: '10', imbalance: '0' });
    expect((await api.request('GET', '/api/markets/ITUB4/trades')).body).toEqual([]);
    for (const body of [
      { side: 'buy', type: 'market', quantity: '10' },
      { side: 'buy', type: 'limit', price: '30.50', quantity: '10', timeInForce: 'FOK' },
    ]) {
      const refused = await place(buyer, body);
      expect(refused.status).toBe(409);
      expect(ApiErrorBody.parse(refused.body)).toMatchObject({
        code: 'auction_call',
        details: { auction: 'reopening', endsAt: endsAt.toISOString() },
      });
    }
    // Other instruments trade as ever.
    const elsewhere = await api.request('POST', '/api/orders', {
      token: buyer.apiKey,
      body: { symbol: 'PETR4', side: 'buy', type: 'market', quantity: '10' },
    });
    expect(elsewhere.status).toBe(202);

    // Its end: both trade at one price, the auction's (so marked on the tape), and the instrument trades
    // continuously again.
    const tape = readStream(`${base}/api/stream/markets/ITUB4`, {
      done: (events) => events.some((event) => event.event === 'trade'),
    });
    await tape.opened;
    expect(await api.app.get(ReopeningOpener).tick(new Date(endsAt.getTime() + 1))).toEqual(['ITUB4']);
    const trades = await until(async () => {
      const listed = (await api.request('GET', '/api/markets/ITUB4/trades')).body as unknown[];
      return listed.length > 0 && listed.map((trade) => TradeView.parse(trade));
    });
    expect(trades).toMatchObject([{ price: '30.50', quantity: '10', auction: true }]);
    const streamed = (await tape).events.filter((event) => event.event === 'trade');
    expect(streamed.map((event) => TradeView.parse(event.data))).toMatchObject([{ price: '30.50', auction: true }]);
    await until(async () => (await status(seller, sell)) === 'filled' && (await status(buyer, buy)) === 'filled');
    expect((await ticker()).reopensAt).toBeNull();
    expect(await reopeningGauge()).toBe('0');
    expect((await adminPost('/api/admin/markets/ITUB4/resume')).reopensAt).toBeNull();
    await place(seller, { side: 'sell', type: 'limit', price: '30.60', quantity: '5' });
    const market = await place(buyer, { side: 'buy', type: 'market', quantity: '5' });
    expect(market.status).toBe(202);
    const after = await until(async () => {
      const listed = (await api.request('GET', '/api/markets/ITUB4/trades')).body as unknown[];
      return listed.length > 1 && listed.map((trade) => TradeView.parse(trade));
    });
    expect(after).toMatchObject([
      { price: '30.60', quantity: '5', aggressorSide: 'buy', auction: false },
      { price: '30.50', quantity: '10', auction: true },
    ]);
  });

  it('ends a reopening with a new halt, and gives the next resumption its own; resuming one not halted has none', async () => {
    const admin = await newAdmin(api);
    const adminPost = async (path: string, body?: HaltTradingRequest) =>
      TradingStatusView.parse((await api.request('POST', path, { token: admin.apiKey, body })).body);
    expect((await adminPost('/api/admin/markets/BBDC4/resume')).reopensAt).toBeNull();
    await adminPost('/api/admin/markets/BBDC4/halt', HALT);
    const first = await adminPost('/api/admin/markets/BBDC4/resume');
    expect(first.reopensAt).not.toBeNull();
    const halted = await adminPost('/api/admin/markets/BBDC4/halt', HALT);
    expect(halted).toMatchObject({ halted: true, reopensAt: null });
    // Halted again, the trading day's orders are refused as halted, not as in an auction.
    const trader = await newTrader(api, 'reopening-halted');
    const refused = await api.request('POST', '/api/orders', {
      token: trader.apiKey,
      body: { symbol: 'BBDC4', side: 'buy', type: 'market', quantity: '1' },
    });
    expect(ApiErrorBody.parse(refused.body).code).toBe('trading_halted');
    const second = await adminPost('/api/admin/markets/BBDC4/resume');
    expect(new Date(second.reopensAt!).getTime()).toBeGreaterThan(new Date(first.reopensAt!).getTime());
    const all = (await api.request('POST', '/api/admin/markets/halt', { token: admin.apiKey, body: HALT }))
      .body as unknown[];
    expect(all.map((view) => TradingStatusView.parse(view).reopensAt)).toEqual(all.map(() => null));
  });
});
