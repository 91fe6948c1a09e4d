import { TradingCalendarView, type EndOfDayCommand } from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionCloser } from '../src/sessions/session-closer.js';
import { TradingCalendar } from '../src/sessions/trading-calendar.js';
import {
  aroundNoon,
  newAdmin,
  newTrader,
  startSiblingApi,
  startTestApi,
  until,
  watchCommands,
  type TestApi,
} from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

/** Every day a trading day, from midnight to 23:59, in a zone where it is about noon now: open as the test runs. */
const zone = aroundNoon();
const hours = {
  MARKET_OPEN: '00:00',
  MARKET_CLOSE: '23:59',
  MARKET_TIMEZONE: zone.timeZone,
  MARKET_DAYS: 'sun-sat',
  MARKET_HOLIDAYS: '',
};
/** Tomorrow's midnight in that zone: today's minute 24 × 60. */
const tomorrowOpens = zone.instant(24 * 60).toISOString();

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi(hours);
  // Its own timer would close days on the real clock; here only the administrator closes.
  await api.app.get(SessionCloser).onModuleDestroy();
});

afterAll(async () => {
  await api.stop();
});

describe("an administrator's early close, with trading hours", () => {
  it('ends the day: every API process refuses new orders until the next trading day opens, and says so', async () => {
    const sibling = await startSiblingApi(api, { EVENTS_CONSUMER: 'off', ...hours });
    try {
      const trader = await newTrader(api, 'late-trader');
      const admin = await newAdmin(api);
      const body = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '38.00', quantity: '10' };
      const place = () => api.request('POST', '/api/orders', { token: trader.apiKey, body });
      const placeOnSibling = async () =>
        fetch(`${sibling.url}/api/orders`, {
          method: 'POST',
          headers: { authorization: `Bearer ${trader.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await place()).status).toBe(202);
      expect((await placeOnSibling()).status).toBe(202);

      const closes: EndOfDayCommand[] = [];
      const watcher = await watchCommands(api, 'early-close-watch', (command) => {
        if (command.type === 'end_of_day') closes.push(command);
      });
      expect((await api.request('POST', '/api/admin/end-of-day', { token: admin.apiKey })).status).toBe(202);
      // The books are told the close ends trading: what was recorded before it and reaches them later is refused.
      const told = await until(async () => closes.length === 5 && closes);
      await watcher.disconnect();
      const today = zone.day;
      expect(told.every((close) => close.endsTrading === true && close.tradingDay === today)).toBe(true);

      // The process that closed it refuses from its answer on; the other as soon as PostgreSQL tells it.
      const refused = await place();
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'market_closed', details: { opensAt: tomorrowOpens } });
      const onSibling = await until(async () => {
        const response = await placeOnSibling();
        return response.status === 409 && ((await response.json()) as unknown);
      }, 2_000);
      expect(onSibling).toMatchObject({ code: 'market_closed', details: { opensAt: tomorrowOpens } });

      const calendar = TradingCalendarView.parse((await api.request('GET', '/api/calendar')).body);
      expect(calendar).toMatchObject({ open: false, closedEarly: true, nextOpen: tomorrowOpens });
      // Tomorrow it trades again.
      const tomorrow = await api.app.get(TradingCalendar).view(new Date(Date.parse(tomorrowOpens) + 3_600_000));
      expect(tomorrow).toMatchObject({ open: true, nextOpen: null });
      const orders = await api.request('GET', '/api/orders', { token: trader.apiKey });
      expect(orders.body).toHaveLength(2);

      // Closed by mistake: an administrator reopens it (a trader may not), and every process takes orders again.
      const reopen = (token: string) => api.request('POST', '/api/admin/end-of-day/reopening', { token });
      expect((await reopen(trader.apiKey)).status).toBe(403);
      const reopened = await reopen(admin.apiKey);
      expect(reopened.status).toBe(200);
      expect(TradingCalendarView.parse(reopened.body)).toMatchObject({
        open: true,
        closedEarly: false,
        nextOpen: null,
      });
      expect((await place()).status).toBe(202);
      expect(await until(async () => (await placeOnSibling()).status === 202, 2_000)).toBe(true);
      // Open, it has nothing to reopen; the administrators' log has it.
      const again = await reopen(admin.apiKey);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'day_not_closed_early', details: { tradingDay: today } });
      const log = await api.request('GET', '/api/admin/actions?action=reopen', { token: admin.apiKey });
      expect(log.body).toMatchObject({ items: [{ action: 'reopen' }] });
    } finally {
      await sibling.stop();
    }
  });

  it('refuses to reopen a day without trading hours: a close there never stopped trading', async () => {
    const admin = await newAdmin(api);
    const sibling = await startSiblingApi(api, { EVENTS_CONSUMER: 'off', MARKET_CLOSE: 'off' });
    try {
      const response = await fetch(`${sibling.url}/api/admin/end-of-day/reopening`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.apiKey}` },
      });
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ code: 'day_not_closed_early' });
    } finally {
      await sibling.stop();
    }
  });
});
