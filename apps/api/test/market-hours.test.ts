import { TradingCalendarView, WalletView } from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionCloser } from '../src/sessions/session-closer.js';
import { TradingCalendar } from '../src/sessions/trading-calendar.js';
import { newTrader, startTestApi, type TestApi } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;
/** When the exchange opens next: tomorrow at midnight (UTC), today being the one weekday it does not trade. */
let opensAt: string;

beforeAll(async () => {
  const now = new Date();
  const tradingDays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].filter((_, day) => day !== now.getUTCDay());
  opensAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
  api = await startTestApi({
    MARKET_OPEN: '00:00',
    MARKET_CLOSE: '23:59',
    MARKET_TIMEZONE: 'UTC',
    MARKET_DAYS: tradingDays.join(','),
    MARKET_HOLIDAYS: '',
    // The day after tomorrow opens at 06:00.
    MARKET_LATE_OPENINGS: `${new Date(Date.parse(opensAt) + 86_400_000).toISOString().slice(0, 10)}@06:00`,
  });
  // Its own timer would close days on the real clock; nothing here needs a close.
  await api.app.get(SessionCloser).onModuleDestroy();
});

afterAll(async () => {
  await api.stop();
});

describe('trading hours', () => {
  it('refuse a new order outside them with 409 market_closed, naming when the exchange opens, holding nothing', async () => {
    const trader = await newTrader(api, 'early-bird');
    const body = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '38.00', quantity: '10' };
    const refused = await api.request('POST', '/api/orders', { token: trader.apiKey, body });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'market_closed', details: { opensAt } });
    const wallet = WalletView.parse((await api.request('GET', '/api/me/wallet', { token: trader.apiKey })).body);
    expect(wallet.cash.held).toBe('0.00');
    const orders = await api.request('GET', '/api/orders', { token: trader.apiKey });
    expect(orders.body).toEqual([]);
    // Prometheus sees it closed, and the refusal counted.
    const metrics = await api.metrics();
    expect(metrics).toMatch(/^api_market_open 0$/m);
    expect(metrics).toMatch(/^api_orders_rejected_total\{reason="market_closed"\} 1$/m);
  });

  it('are in the public calendar: closed now and opening tomorrow, then open from the opening to the close, opening late on the dates set to', async () => {
    const response = await api.request('GET', '/api/calendar');
    expect(response.status).toBe(200);
    expect(TradingCalendarView.parse(response.body)).toMatchObject({
      opensAt: '00:00',
      closesAt: '23:59',
      open: false,
      nextOpen: opensAt,
    });
    const calendar = api.app.get(TradingCalendar);
    const tomorrow = Date.parse(opensAt);
    expect(await calendar.view(new Date(tomorrow))).toMatchObject({ open: true, nextOpen: null });
    // 23:59, the close: shut until the next day opens, the day after tomorrow being a trading day too, late.
    const dayAfter = new Date(tomorrow + 86_400_000);
    const closed = await calendar.view(new Date(tomorrow + 23 * 3_600_000 + 59 * 60_000));
    expect(closed).toMatchObject({ open: false, nextOpen: new Date(dayAfter.getTime() + 6 * 3_600_000).toISOString() });
    expect(closed.lateOpenings).toEqual([{ day: dayAfter.toISOString().slice(0, 10), opensAt: '06:00' }]);
  });
});
