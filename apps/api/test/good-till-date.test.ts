import { OrderView, TradingCalendarView, WalletView } from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionCloser } from '../src/sessions/session-closer.js';
import { startInTestEngine } from './engine-in-test.js';
import { newTrader, nextWeekday, openedIn2025, startTestApi, until, type TestApi } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;
let engine: { stop(): Promise<void> };

beforeAll(async () => {
  // B3's clock and weekdays, no holidays: the days these tests use are whichever come next.
  api = await startTestApi({ MARKET_CLOSE: '18:00', MARKET_TIMEZONE: 'America/Sao_Paulo', MARKET_HOLIDAYS: '' });
  // The test closes the day itself, at a time of its own.
  await api.app.get(SessionCloser).onModuleDestroy();
  engine = await startInTestEngine(api.broker.bootstrap);
  await openedIn2025(api);
});

afterAll(async () => {
  await engine.stop();
  await api.stop();
});

describe('good-till-date (GTD) orders', () => {
  it('rest until the close of their day, then expire, releasing their holds; one good till a later day stays', async () => {
    const calendar = TradingCalendarView.parse((await api.request('GET', '/api/calendar')).body);
    const first = calendar.nextClose!.tradingDay;
    const second = nextWeekday(first);
    const trader = await newTrader(api, 'gtd-trader');
    const place = async (expiresOn: string) => {
      const body = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '20.00', quantity: '10' };
      const response = await api.request('POST', '/api/orders', {
        token: trader.apiKey,
        body: { ...body, timeInForce: 'GTD', expiresOn },
      });
      expect(response.status).toBe(202);
      return OrderView.parse(response.body);
    };
    const soon = await place(first);
    const later = await place(second);
    expect(soon).toMatchObject({ timeInForce: 'GTD', expiresOn: first });
    const status = async (order: OrderView) =>
      OrderView.parse((await api.request('GET', `/api/orders/${order.orderId}`, { token: trader.apiKey })).body);
    await until(async () => (await status(soon)).status === 'open' && (await status(later)).status === 'open');

    // The close of the first day, as the clock makes it: that order expires; the other lives on.
    const closing = Date.parse(calendar.nextClose!.at);
    expect(await api.app.get(SessionCloser).tick(new Date(closing + 30_000))).toMatchObject({ tradingDay: first });
    await until(async () => (await status(soon)).status === 'expired');
    expect(await status(later)).toMatchObject({ status: 'open', expiresOn: second });
    // 10 × 20.00 + 3 bps stays held for the later one only.
    await until(async () => {
      const wallet = WalletView.parse((await api.request('GET', '/api/me/wallet', { token: trader.apiKey })).body);
      return wallet.cash.held === '200.06';
    });
  });

  it('refuse a day already closed, a day off, one over a year ahead, a GTD order without a day and a day on another', async () => {
    const trader = await newTrader(api, 'gtd-refused');
    const body = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '20.00', quantity: '10' };
    const refusal = async (change: Record<string, string>) => {
      const response = await api.request('POST', '/api/orders', { token: trader.apiKey, body: { ...body, ...change } });
      expect(response.status).toBe(400);
      return (response.body as { details: { fields: { field: string; code: string }[] } }).details.fields;
    };
    const saturday = (() => {
      let day = Date.now() + 86_400_000;
      while (new Date(day).getUTCDay() !== 6) day += 86_400_000;
      return new Date(day).toISOString().slice(0, 10);
    })();
    const cases: [Record<string, string>, string][] = [
      [{ timeInForce: 'GTD', expiresOn: '2026-01-02' }, 'past'],
      [{ timeInForce: 'GTD', expiresOn: saturday }, 'not_a_trading_day'],
      [{ timeInForce: 'GTD', expiresOn: nextWeekday(`${new Date().getUTCFullYear() + 2}-01-04`) }, 'too_far'],
      [{ timeInForce: 'GTD' }, 'required'],
      [{ timeInForce: 'DAY', expiresOn: nextWeekday(saturday) }, 'not_allowed'],
      [{ timeInForce: 'GTD', expiresOn: 'amanhã' }, 'invalid_format'],
    ];
    for (const [change, code] of cases) {
      expect(await refusal(change)).toEqual([expect.objectContaining({ field: 'expiresOn', code })]);
    }
    expect((await api.request('GET', '/api/orders', { token: trader.apiKey })).body).toEqual([]);
  });
});
