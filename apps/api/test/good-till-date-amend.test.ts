import { OrderTimelineEntry, OrderView, pageOf, TradingCalendarView, WalletView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { SessionCloser } from '../src/sessions/session-closer.js';
import { apiWithEngine } from './engine-in-test.js';
import { clockStopped, newTrader, nextWeekday, until } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

// B3's clock and weekdays, no holidays: the days this test uses are whichever come next. It closes days itself.
const exchange = apiWithEngine(
  { MARKET_CLOSE: '18:00', MARKET_TIMEZONE: 'America/Sao_Paulo', MARKET_HOLIDAYS: '' },
  clockStopped,
);

/**
 * A GTD order's last day moved by amend. Its own exchange: the test closes days ahead of the real clock, after which
 * the books take no order recorded now (they would be older than the close).
 */
describe('a good-till-date order amended', () => {
  it('move to another day by amend, keeping their place and hold: the order outlives its first day', async () => {
    const api = exchange();
    const calendar = TradingCalendarView.parse((await api.request('GET', '/api/calendar')).body);
    const first = calendar.nextClose!.tradingDay;
    const second = nextWeekday(first);
    const trader = await newTrader(api, 'gtd-amended');
    const placed = await api.request('POST', '/api/orders', {
      token: trader.apiKey,
      body: {
        symbol: 'VALE3',
        side: 'buy',
        type: 'limit',
        price: '20.00',
        quantity: '10',
        timeInForce: 'GTD',
        expiresOn: first,
      },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    const order = OrderView.parse(placed.body);
    const gtc = OrderView.parse(
      (
        await api.request('POST', '/api/orders', {
          token: trader.apiKey,
          body: { symbol: 'VALE3', side: 'buy', type: 'limit', price: '19.00', quantity: '10' },
        })
      ).body,
    );
    const status = async (which: OrderView) =>
      OrderView.parse((await api.request('GET', `/api/orders/${which.orderId}`, { token: trader.apiKey })).body);
    const held = async () =>
      WalletView.parse((await api.request('GET', '/api/me/wallet', { token: trader.apiKey })).body).cash.held;
    await until(async () => (await status(order)).status === 'open' && (await status(gtc)).status === 'open');
    const heldBefore = await held();

    const amend = (which: OrderView, body: Record<string, string>) =>
      api.request('PATCH', `/api/orders/${which.orderId}`, { token: trader.apiKey, body });
    const moved = await amend(order, { expiresOn: second });
    expect(moved.status).toBe(202);
    expect(OrderView.parse(moved.body)).toMatchObject({ expiresOn: first, amendPending: true });
    await until(async () => {
      const now = await status(order);
      return now.expiresOn === second && !now.amendPending;
    });
    expect(await held()).toBe(heldBefore);
    const timeline = pageOf(OrderTimelineEntry).parse(
      (await api.request('GET', `/api/orders/${order.orderId}/timeline`, { token: trader.apiKey })).body,
    );
    expect(timeline.items.filter((step) => step.kind === 'amended')).toEqual([
      expect.objectContaining({ price: '20.00', quantity: '10', expiresOn: second }),
    ]);

    // What cannot be: the same day again, a day already closed, and a day for an order that has none.
    const refusals: [OrderView, string, string][] = [
      [order, second, 'unchanged'],
      [order, '2026-01-02', 'past'],
      [gtc, second, 'not_good_till_date'],
    ];
    for (const [which, day, code] of refusals) {
      const refused = await amend(which, { expiresOn: day });
      expect(refused.status, day).toBe(400);
      expect((refused.body as { details: { fields: { field: string; code: string }[] } }).details.fields).toEqual([
        expect.objectContaining({ field: 'expiresOn', code }),
      ]);
    }

    // The close of its first day leaves it; the close of its new day expires it.
    const closing = Date.parse(calendar.nextClose!.at);
    expect(await api.app.get(SessionCloser).tick(new Date(closing + 30_000))).toMatchObject({ tradingDay: first });
    const secondClose = await api.app
      .get(SessionCloser)
      .tick(new Date(closing + (Date.parse(second) - Date.parse(first)) + 30_000));
    expect(secondClose).toMatchObject({ tradingDay: second });
    await until(async () => (await status(order)).status === 'expired');
    expect((await status(gtc)).status).toBe('open');
  });
});
