import { OrderView, TradeView, TradingCalendarView, type ReopenDayCommand } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { SessionOpener } from '../src/sessions/session-opener.js';
import { apiWithEngine } from './engine-in-test.js';
import { clockStopped, inPreOpening, newAdmin, newTrader, startSiblingApi, until, watchCommands } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

/** Opening three minutes from now after a pre-opening of ten: the test runs in the auction. */
const { hours, opening } = inPreOpening();

const exchange = apiWithEngine(hours, clockStopped);

describe('a day closed in its pre-opening by mistake, and reopened', () => {
  it('gets its auction back: the crossed orders wait through the close and trade at the opening', async () => {
    const api = exchange();
    const admin = await newAdmin(api);
    const seller = await newTrader(api, 'reopened-seller');
    const buyer = await newTrader(api, 'reopened-buyer');
    const reopenings: ReopenDayCommand[] = [];
    const watcher = await watchCommands(api, 'reopened-watch', (command) => {
      if (command.type === 'reopen_day') reopenings.push(command);
    });
    const place = async (token: string, body: Record<string, string>) =>
      OrderView.parse((await api.request('POST', '/api/orders', { token, body: { symbol: 'PETR4', ...body } })).body);
    const status = async (token: string, order: OrderView) =>
      OrderView.parse((await api.request('GET', `/api/orders/${order.orderId}`, { token })).body).status;
    const sell = await place(seller.apiKey, { side: 'sell', type: 'limit', price: '30.00', quantity: '10' });
    const buy = await place(buyer.apiKey, { side: 'buy', type: 'limit', price: '30.50', quantity: '10' });
    await until(
      async () => (await status(seller.apiKey, sell)) === 'open' && (await status(buyer.apiKey, buy)) === 'open',
    );

    // The close cuts the auction short: the GTC orders stay, crossed, untraded.
    expect((await api.request('POST', '/api/admin/end-of-day', { token: admin.apiKey })).status).toBe(202);
    expect(TradingCalendarView.parse((await api.request('GET', '/api/calendar')).body).open).toBe(false);
    // Asked of a process that cannot reach Kafka: 503, and the day stays closed, its books not told.
    const cut = await startSiblingApi(api, {
      ...hours,
      KAFKA_BROKERS: '127.0.0.1:1',
      EVENTS_CONSUMER: 'off',
      COMMAND_SEND_WAIT_MS: '500',
    });
    try {
      const refused = await fetch(`${cut.url}/api/admin/end-of-day/reopening`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.apiKey}` },
      });
      expect(refused.status).toBe(503);
    } finally {
      await cut.stop();
    }
    const stillClosed = TradingCalendarView.parse((await api.request('GET', '/api/calendar')).body);
    expect(stillClosed).toMatchObject({ open: false, closedEarly: true });
    expect(reopenings).toEqual([]);
    // Asked again where Kafka is reachable, it is reopened.
    const reopened = await api.request('POST', '/api/admin/end-of-day/reopening', { token: admin.apiKey });
    expect(reopened.status).toBe(200);
    // The books are told the day is theirs again, its auction ending at the opening.
    await until(async () => reopenings.length === 5);
    await watcher.disconnect();
    expect(new Set(reopenings.map((command) => command.auctionEndsAt))).toEqual(new Set([opening.getTime()]));
    expect((await api.request('GET', '/api/markets/PETR4/trades')).body).toEqual([]);
    expect([await status(seller.apiKey, sell), await status(buyer.apiKey, buy)]).toEqual(['open', 'open']);

    // The opening: the day's open_trading uncrosses them, no other order needed. Before any trade PETR4's reference
    // price (38.00) is nearer 30.50.
    expect(await api.app.get(SessionOpener).tick(new Date(opening.getTime() + 1_000))).not.toBeNull();
    const trades = await until(async () => {
      const listed = (await api.request('GET', '/api/markets/PETR4/trades')).body as unknown[];
      return listed.length > 0 && listed.map((trade) => TradeView.parse(trade));
    });
    expect(trades).toMatchObject([{ price: '30.50', quantity: '10' }]);
  });
});
