import { OrderView, TradeView, TradingCalendarView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { SessionCloser } from '../src/sessions/session-closer.js';
import { apiWithEngine } from './engine-in-test.js';
import { aroundNoon, clockStopped, newAdmin, newTrader, until } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

/** Every day a trading day from midnight, in a zone where it is about noon now, closing three minutes from now. */
const zone = aroundNoon();
const closeMinute = zone.minute + 3;
const closing = zone.instant(closeMinute);

const exchange = apiWithEngine(
  {
    MARKET_OPEN: '00:00',
    MARKET_CLOSE: zone.timeOfDay(closeMinute),
    MARKET_CLOSING_CALL_MINUTES: '10',
    MARKET_TIMEZONE: zone.timeZone,
    MARKET_DAYS: 'sun-sat',
    MARKET_HOLIDAYS: '',
    MARKET_LATE_OPENINGS: '',
  },
  clockStopped,
);

describe('the closing call auction', () => {
  it("uncrosses at an administrator's early close, which ends it, before the DAY orders expire", async () => {
    const api = exchange();
    const admin = await newAdmin(api);
    const seller = await newTrader(api, 'early-call-seller');
    const buyer = await newTrader(api, 'early-call-buyer');
    const place = async (token: string, body: Record<string, string>) =>
      OrderView.parse((await api.request('POST', '/api/orders', { token, body: { symbol: 'ITUB4', ...body } })).body);
    const sell = await place(seller.apiKey, {
      side: 'sell',
      type: 'limit',
      price: '30.00',
      quantity: '50',
      timeInForce: 'DAY',
    });
    const buy = await place(buyer.apiKey, { side: 'buy', type: 'limit', price: '30.20', quantity: '20' });
    const status = async (token: string, order: OrderView) =>
      OrderView.parse((await api.request('GET', `/api/orders/${order.orderId}`, { token })).body);
    await until(
      async () =>
        (await status(seller.apiKey, sell)).status === 'open' && (await status(buyer.apiKey, buy)).status === 'open',
    );
    expect((await api.request('POST', '/api/admin/end-of-day', { token: admin.apiKey })).status).toBe(202);
    const trades = await until(async () => {
      const listed = (await api.request('GET', '/api/markets/ITUB4/trades')).body as unknown[];
      return listed.length > 0 && listed.map((trade) => TradeView.parse(trade));
    });
    expect(trades).toMatchObject([{ price: '30.00', quantity: '20' }]);
    await until(async () => (await status(buyer.apiKey, buy)).status === 'filled');
    await until(async () => (await status(seller.apiKey, sell)).status === 'expired');
    expect(await status(seller.apiKey, sell)).toMatchObject({ filledQuantity: '20' });
    // A close by mistake: the day is reopened, in its closing call again, for the clock to close.
    const reopened = await api.request('POST', '/api/admin/end-of-day/reopening', { token: admin.apiKey });
    expect(reopened.status).toBe(200);
  });

  it('holds the orders of its last minutes crossed, and trades them at one price, the closing price, at the close', async () => {
    const api = exchange();
    const calendar = TradingCalendarView.parse((await api.request('GET', '/api/calendar')).body);
    expect(calendar).toMatchObject({ open: true, closingCallMinutes: 10, auction: 'closing' });
    expect(calendar.auctionEndsAt).toBe(closing.toISOString());

    const seller = await newTrader(api, 'closing-seller');
    const buyer = await newTrader(api, 'closing-buyer');
    const place = async (token: string, body: Record<string, string>) =>
      api.request('POST', '/api/orders', { token, body: { symbol: 'BBDC4', ...body } });
    const sell = OrderView.parse(
      (await place(seller.apiKey, { side: 'sell', type: 'limit', price: '15.00', quantity: '100', timeInForce: 'DAY' }))
        .body,
    );
    const buy = OrderView.parse(
      (await place(buyer.apiKey, { side: 'buy', type: 'limit', price: '15.10', quantity: '60' })).body,
    );
    const status = async (token: string, order: OrderView) =>
      OrderView.parse((await api.request('GET', `/api/orders/${order.orderId}`, { token })).body);
    await until(
      async () =>
        (await status(seller.apiKey, sell)).status === 'open' && (await status(buyer.apiKey, buy)).status === 'open',
    );
    expect((await api.request('GET', '/api/markets/BBDC4/trades')).body).toEqual([]);
    const refused = await place(buyer.apiKey, { side: 'buy', type: 'market', quantity: '10' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'auction_call',
      details: { auction: 'closing', endsAt: closing.toISOString() },
    });

    expect(await api.metrics()).toMatch(/^api_market_auction 2$/m);
    // The close: the book uncrosses at 15.00 (sellers left over, the lower price), then the DAY sell's rest expires.
    await api.app.get(SessionCloser).tick(new Date(closing.getTime() + 1_000));
    const trades = await until(async () => {
      const listed = (await api.request('GET', '/api/markets/BBDC4/trades')).body as unknown[];
      return listed.length > 0 && listed.map((trade) => TradeView.parse(trade));
    });
    expect(trades).toMatchObject([{ price: '15.00', quantity: '60' }]);
    await until(async () => (await status(buyer.apiKey, buy)).status === 'filled');
    await until(async () => (await status(seller.apiKey, sell)).status === 'expired');
    expect(await status(seller.apiKey, sell)).toMatchObject({ filledQuantity: '60' });
  });
});
