import {
  BookView,
  OrderView,
  TradeView,
  TradingCalendarView,
  WalletView,
  type PlaceOrderCommand,
} from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { SessionOpener } from '../src/sessions/session-opener.js';
import { apiWithEngine } from './engine-in-test.js';
import { clockStopped, inPreOpening, newTrader, until, watchCommands } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

/** Opening three minutes from now after a pre-opening of ten: the test runs in the auction. */
const { hours, opening } = inPreOpening();

const exchange = apiWithEngine(hours, clockStopped);

describe('the pre-opening call auction', () => {
  it('takes orders that rest, holds them crossed without trading, and trades them at one price at the opening', async () => {
    const api = exchange();
    const calendar = TradingCalendarView.parse((await api.request('GET', '/api/calendar')).body);
    expect(calendar).toMatchObject({
      open: true,
      auctionMinutes: 10,
      auction: 'opening',
      auctionEndsAt: opening.toISOString(),
    });

    const placed: PlaceOrderCommand[] = [];
    const watcher = await watchCommands(api, 'auction-watch', (command) => {
      if (command.type === 'place_order') placed.push(command);
    });
    const seller = await newTrader(api, 'auction-seller');
    const buyer = await newTrader(api, 'auction-buyer');
    const place = async (token: string, body: Record<string, string | boolean>) =>
      api.request('POST', '/api/orders', { token, body: { symbol: 'ITUB4', ...body } });
    const sell = OrderView.parse(
      (await place(seller.apiKey, { side: 'sell', type: 'limit', price: '30.00', quantity: '10' })).body,
    );
    const buy = OrderView.parse(
      (await place(buyer.apiKey, { side: 'buy', type: 'limit', price: '30.50', quantity: '10' })).body,
    );
    const status = async (token: string, order: OrderView) =>
      OrderView.parse((await api.request('GET', `/api/orders/${order.orderId}`, { token })).body).status;
    await until(
      async () => (await status(seller.apiKey, sell)) === 'open' && (await status(buyer.apiKey, buy)) === 'open',
    );
    // The buy holds its cash as any resting order does: 10 × 30.50 and the largest fee.
    const wallet = WalletView.parse((await api.request('GET', '/api/me/wallet', { token: buyer.apiKey })).body);
    expect(Number(wallet.cash.held)).toBeGreaterThan(305);
    // Crossed, and nothing traded: the book shows both sides overlapping.
    const book = BookView.parse((await api.request('GET', '/api/markets/ITUB4/book?depth=1')).body);
    expect([book.bids[0]?.price, book.asks[0]?.price]).toEqual(['30.50', '30.00']);
    // Where it would open: 10 trade at either price with none left over, and before any trade ITUB4's reference price
    // (33.00) is nearer 30.50.
    expect(book.uncross).toEqual({ price: '30.50', quantity: '10', imbalance: '0' });
    expect((await api.request('GET', '/api/markets/ITUB4/trades')).body).toEqual([]);
    // Each placement says which auction it is in.
    await until(async () => placed.length >= 2);
    await watcher.disconnect();
    expect(placed.map((command) => command.auctionEndsAt)).toEqual([opening.getTime(), opening.getTime()]);

    // What can only take at once, or only make, has nothing to do until the opening.
    for (const body of [
      { side: 'buy', type: 'market', quantity: '10' },
      { side: 'buy', type: 'limit', price: '30.50', quantity: '10', timeInForce: 'IOC' },
      { side: 'buy', type: 'limit', price: '30.50', quantity: '10', timeInForce: 'FOK' },
      { side: 'buy', type: 'limit', price: '29.00', quantity: '10', postOnly: true },
    ]) {
      const refused = await place(buyer.apiKey, body);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: 'auction_call',
        details: { auction: 'opening', endsAt: opening.toISOString() },
      });
    }

    expect(await api.metrics()).toMatch(/^api_market_auction 1$/m);
    // The opening: both orders trade at one price, 30.50, as the book said.
    expect(await api.app.get(SessionOpener).tick(new Date(opening.getTime() + 1_000))).toBe(
      calendar.nextClose!.tradingDay,
    );
    const trades = await until(async () => {
      const listed = (await api.request('GET', '/api/markets/ITUB4/trades')).body as unknown[];
      return listed.length > 0 && listed.map((trade) => TradeView.parse(trade));
    });
    expect(trades).toMatchObject([{ price: '30.50', quantity: '10' }]);
    await until(
      async () => (await status(seller.apiKey, sell)) === 'filled' && (await status(buyer.apiKey, buy)) === 'filled',
    );
  });
});
