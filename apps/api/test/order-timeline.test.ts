import { AdminOrderView, MyTradeView, OrderTimelineEntry, OrderView, pageOf } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { apiWithEngine } from './engine-in-test.js';
import { newAdmin, newTrader, until } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

const testApi = apiWithEngine();

type Trader = Awaited<ReturnType<typeof newTrader>>;
const TimelinePage = pageOf(OrderTimelineEntry);
const OrderPage = pageOf(OrderView);
const MyTradePage = pageOf(MyTradeView);

async function place(trader: Trader, body: Record<string, string | boolean>): Promise<OrderView> {
  const response = await testApi().request('POST', '/api/orders', { token: trader.apiKey, body });
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return OrderView.parse(response.body);
}

async function order(trader: Trader, orderId: string): Promise<OrderView> {
  return OrderView.parse((await testApi().request('GET', `/api/orders/${orderId}`, { token: trader.apiKey })).body);
}

async function timeline(trader: Trader, orderId: string, query = '') {
  const response = await testApi().request('GET', `/api/orders/${orderId}/timeline${query}`, { token: trader.apiKey });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return TimelinePage.parse(response.body);
}

/** What a step says, without when: the kinds and terms a trader reads. */
function described(entries: readonly OrderTimelineEntry[]) {
  return entries.map((entry) => {
    const { at: _at, sequence: _sequence, ...rest } = entry;
    return 'tradeId' in rest ? { ...rest, tradeId: 'T' } : rest;
  });
}

describe('GET /api/orders/:id/timeline', () => {
  it('tells an order’s life in the engine’s order: received, accepted, each fill with its fee, amend, cancel', async () => {
    const seller = await newTrader(testApi(), 'timeline-seller');
    const buyer = await newTrader(testApi(), 'timeline-buyer');
    const sell = await place(seller, { symbol: 'BBDC4', side: 'sell', type: 'limit', price: '15.00', quantity: '10' });
    await until(async () => (await order(seller, sell.orderId)).status === 'open');
    await place(buyer, { symbol: 'BBDC4', side: 'buy', type: 'limit', price: '15.00', quantity: '3' });
    await place(buyer, { symbol: 'BBDC4', side: 'buy', type: 'limit', price: '15.50', quantity: '4' });
    await until(async () => (await order(seller, sell.orderId)).filledQuantity === '7');
    const amend = await testApi().request('PATCH', `/api/orders/${sell.orderId}`, {
      token: seller.apiKey,
      body: { quantity: '9' },
    });
    expect(amend.status).toBe(202);
    await until(async () => (await order(seller, sell.orderId)).quantity === '9');
    expect((await testApi().request('DELETE', `/api/orders/${sell.orderId}`, { token: seller.apiKey })).status).toBe(
      202,
    );
    await until(async () => (await order(seller, sell.orderId)).status === 'cancelled');

    const { items, nextCursor } = await timeline(seller, sell.orderId);
    expect(nextCursor).toBeNull();
    expect(described(items)).toEqual([
      { kind: 'received' },
      { kind: 'accepted', price: '15.00', stopPrice: null, trailingOffset: null, quantity: '10' },
      { kind: 'fill', tradeId: 'T', price: '15.00', quantity: '3', fee: expect.any(String), role: 'maker' },
      { kind: 'fill', tradeId: 'T', price: '15.00', quantity: '4', fee: expect.any(String), role: 'maker' },
      { kind: 'amended', price: '15.00', stopPrice: null, trailingOffset: null, quantity: '9' },
      { kind: 'cancelled', reason: 'requested', quantity: '2' },
    ]);
    const sequences = items.map((entry) => entry.sequence);
    expect(sequences[0]).toBe(0);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(items[0]!.at).toBe(sell.createdAt);

    // The fills are the order's trades as its owner's trade list has them: same ids, prices and fees.
    const trades = MyTradePage.parse(
      (await testApi().request('GET', `/api/me/trades?orderId=${sell.orderId}`, { token: seller.apiKey })).body,
    ).items.reverse();
    const fills = items.filter((entry) => entry.kind === 'fill');
    expect(
      fills.map(({ tradeId, price, quantity, fee, sequence, at }) => ({ tradeId, price, quantity, fee, sequence, at })),
    ).toEqual(
      trades.map(({ tradeId, price, quantity, fee, sequence, executedAt }) => ({
        tradeId,
        price,
        quantity,
        fee,
        sequence,
        at: executedAt,
      })),
    );
  });

  it('shows the taker’s side of its fills, the stop firing, and a refusal', async () => {
    const maker = await newTrader(testApi(), 'timeline-maker');
    const stopper = await newTrader(testApi(), 'timeline-stopper');
    // A stop-limit buy that fires at 12.00 and then takes the 12.10 offer.
    await place(maker, { symbol: 'ABEV3', side: 'sell', type: 'limit', price: '12.10', quantity: '5' });
    const stop = await place(stopper, {
      symbol: 'ABEV3',
      side: 'buy',
      type: 'stop_limit',
      stopPrice: '12.00',
      price: '12.20',
      quantity: '5',
    });
    await until(async () => (await order(stopper, stop.orderId)).status === 'open');
    await place(maker, { symbol: 'ABEV3', side: 'sell', type: 'limit', price: '12.00', quantity: '1' });
    await place(stopper, { symbol: 'ABEV3', side: 'buy', type: 'limit', price: '12.00', quantity: '1' });
    await until(async () => (await order(stopper, stop.orderId)).status === 'filled');
    expect(described((await timeline(stopper, stop.orderId)).items)).toEqual([
      { kind: 'received' },
      { kind: 'accepted', price: '12.20', stopPrice: '12.00', trailingOffset: null, quantity: '5' },
      { kind: 'stop_triggered', stopPrice: '12.00', lastTradePrice: '12.00' },
      { kind: 'fill', tradeId: 'T', price: '12.10', quantity: '5', fee: expect.any(String), role: 'taker' },
      { kind: 'filled' },
    ]);

    // A post-only bid at the offer would take: the exchange refuses it.
    await place(maker, { symbol: 'ABEV3', side: 'sell', type: 'limit', price: '12.30', quantity: '1' });
    const postOnly = await place(stopper, {
      symbol: 'ABEV3',
      side: 'buy',
      type: 'limit',
      price: '12.30',
      quantity: '1',
      postOnly: true,
    });
    await until(async () => (await order(stopper, postOnly.orderId)).status === 'rejected');
    expect(described((await timeline(stopper, postOnly.orderId)).items)).toEqual([
      { kind: 'received' },
      { kind: 'rejected', command: 'place_order', reason: 'post_only_would_take', message: expect.any(String) },
    ]);
  });

  it('comes a page at a time, each after the last, and together the whole of it', async () => {
    const seller = await newTrader(testApi(), 'timeline-pages-seller');
    const buyer = await newTrader(testApi(), 'timeline-pages-buyer');
    const sell = await place(seller, { symbol: 'PETR4', side: 'sell', type: 'limit', price: '31.00', quantity: '8' });
    await until(async () => (await order(seller, sell.orderId)).status === 'open');
    const buy = async (count: number) => {
      for (let i = 0; i < count; i++) {
        await place(buyer, { symbol: 'PETR4', side: 'buy', type: 'limit', price: '31.00', quantity: '1' });
      }
    };
    const pagesAgree = async (kinds: readonly string[]) => {
      const whole = (await timeline(seller, sell.orderId)).items;
      expect(whole.map((entry) => entry.kind)).toEqual(kinds);
      for (const size of [1, 2, 3, 4]) {
        const paged: OrderTimelineEntry[] = [];
        let cursor: string | null = null;
        do {
          const query = `?limit=${size}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
          const page = await timeline(seller, sell.orderId, query);
          expect(page.items.length).toBeLessThanOrEqual(size);
          paged.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(paged, `pages of ${size}`).toEqual(whole);
      }
    };
    // Open, with nothing after its fills: their pages must not end early.
    await buy(6);
    await until(async () => (await order(seller, sell.orderId)).filledQuantity === '6');
    await pagesAgree(['received', 'accepted', ...Array<string>(6).fill('fill')]);
    await buy(2);
    await until(async () => (await order(seller, sell.orderId)).status === 'filled');
    await pagesAgree(['received', 'accepted', ...Array<string>(8).fill('fill'), 'filled']);
  });

  it('is its owner’s alone, and refuses a cursor or a limit it did not give', async () => {
    const owner = await newTrader(testApi(), 'timeline-owner');
    const other = await newTrader(testApi(), 'timeline-other');
    const mine = await place(owner, { symbol: 'VALE3', side: 'buy', type: 'limit', price: '50.00', quantity: '1' });
    const notFound = await testApi().request('GET', `/api/orders/${mine.orderId}/timeline`, { token: other.apiKey });
    expect(notFound.status).toBe(404);
    expect(notFound.body).toMatchObject({ code: 'not_found' });
    expect((await testApi().request('GET', '/api/orders/not-an-id/timeline', { token: owner.apiKey })).status).toBe(
      404,
    );
    expect((await testApi().request('GET', `/api/orders/${mine.orderId}/timeline`)).status).toBe(401);
    for (const query of ['?limit=0', '?limit=501', '?cursor=x', `?cursor=${Buffer.from('a').toString('base64url')}`]) {
      const response = await testApi().request('GET', `/api/orders/${mine.orderId}/timeline${query}`, {
        token: owner.apiKey,
      });
      expect(response.status, query).toBe(400);
      expect(response.body, query).toMatchObject({ code: 'validation_failed' });
    }
  });

  it('shows an administrator any account’s order, whose it is and its history, and no trader', async () => {
    const admin = await newAdmin(testApi());
    const owner = await newTrader(testApi(), 'timeline-support');
    const placed = await place(owner, { symbol: 'ITUB4', side: 'buy', type: 'limit', price: '30.00', quantity: '2' });
    await until(async () => (await order(owner, placed.orderId)).status === 'open');
    const seen = await testApi().request('GET', `/api/admin/orders/${placed.orderId}`, { token: admin.apiKey });
    expect(seen.status).toBe(200);
    expect(AdminOrderView.parse(seen.body)).toEqual({
      order: await order(owner, placed.orderId),
      account: { accountId: owner.accountId, name: 'timeline-support', email: owner.email },
    });
    const history = await testApi().request('GET', `/api/admin/orders/${placed.orderId}/timeline`, {
      token: admin.apiKey,
    });
    expect(TimelinePage.parse(history.body)).toEqual(await timeline(owner, placed.orderId));
    expect(
      (await testApi().request('GET', `/api/admin/orders/${placed.orderId}`, { token: owner.apiKey })).status,
    ).toBe(403);
    expect(
      (await testApi().request('GET', `/api/admin/orders/${placed.orderId}/timeline`, { token: owner.apiKey })).status,
    ).toBe(403);
    // The owner's orders as the owner lists them, for the admin: its filters and pages too.
    const orders = async (token: string, query: string) =>
      testApi().request('GET', `/api/admin/orders?accountId=${owner.accountId}${query}`, { token });
    const second = await place(owner, { symbol: 'PETR4', side: 'sell', type: 'limit', price: '45.00', quantity: '1' });
    // Settled first: the two listings are read one after the other, and the engine's answer could fall between.
    await until(async () => (await order(owner, second.orderId)).status === 'open');
    const mine = await testApi().request('GET', '/api/me/orders?limit=10', { token: owner.apiKey });
    expect((await orders(admin.apiKey, '&limit=10')).body).toEqual(mine.body);
    const first = OrderPage.parse((await orders(admin.apiKey, '&limit=1')).body);
    expect(first.items.map((item) => item.orderId)).toEqual([second.orderId]);
    const rest = OrderPage.parse((await orders(admin.apiKey, `&limit=1&cursor=${first.nextCursor}`)).body);
    expect(rest.items.map((item) => item.orderId)).toEqual([placed.orderId]);
    const itub = OrderPage.parse((await orders(admin.apiKey, '&symbol=ITUB4')).body);
    expect(itub.items.map((item) => item.orderId)).toEqual([placed.orderId]);
    expect((await orders(owner.apiKey, '')).status).toBe(403);
    for (const query of ['accountId=nope', '']) {
      const bad = await testApi().request('GET', `/api/admin/orders?${query}`, { token: admin.apiKey });
      expect(bad.status, query).toBe(400);
      expect(bad.body).toMatchObject({ details: { fields: [{ field: 'accountId' }] } });
    }
    expect((await orders(admin.apiKey, '&status=all')).status).toBe(400);
    for (const id of ['01930000-0000-7000-8000-000000000000', 'not-an-id']) {
      expect((await testApi().request('GET', `/api/admin/orders/${id}`, { token: admin.apiKey })).status).toBe(404);
      expect((await testApi().request('GET', `/api/admin/orders/${id}/timeline`, { token: admin.apiKey })).status).toBe(
        404,
      );
    }
  });
});
