import { ApiErrorBody, LedgerEntryView, OrderView, WalletView, type LedgerReason } from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInTestEngine } from './engine-in-test.js';
import { SqlPool } from '../src/database/sql-pool.js';
import { newTrader, startTestApi, type TestApi, until } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;
let engine: { stop(): Promise<void> };

beforeAll(async () => {
  // Fees as configured by default: maker 2 bps, taker 3 bps.
  api = await startTestApi({ FEE_MAKER_BPS: '2', FEE_TAKER_BPS: '3', STARTING_CASH: '100000.00' });
  engine = await startInTestEngine(api.broker.bootstrap);
});

afterAll(async () => {
  await engine.stop();
  await api.stop();
});

type Trader = Awaited<ReturnType<typeof newTrader>>;

async function wallet(trader: Trader): Promise<WalletView> {
  return WalletView.parse((await api.request('GET', '/api/me/wallet', { token: trader.apiKey })).body);
}

function position(view: WalletView, symbol: string) {
  return view.positions.find((p) => p.symbol === symbol) ?? { available: '0', held: '0', total: '0' };
}

async function ledger(trader: Trader, query = ''): Promise<LedgerEntryView[]> {
  const response = await api.request('GET', `/api/me/ledger${query}`, { token: trader.apiKey });
  return (response.body as { items: unknown[] }).items.map((item) => LedgerEntryView.parse(item));
}

async function place(trader: Trader, body: Record<string, unknown>) {
  return api.request('POST', '/api/orders', { token: trader.apiKey, body });
}

/** An order placed (202), as its answer shows it. */
async function placed(trader: Trader, body: Record<string, unknown>): Promise<OrderView> {
  return OrderView.parse((await place(trader, body)).body);
}

async function amend(trader: Trader, orderId: string, body: Record<string, string>) {
  return api.request('PATCH', `/api/orders/${orderId}`, { token: trader.apiKey, body });
}

async function readOrder(trader: Trader, orderId: string): Promise<OrderView> {
  return OrderView.parse((await api.request('GET', `/api/orders/${orderId}`, { token: trader.apiKey })).body);
}

async function orderStatus(trader: Trader, orderId: string): Promise<string> {
  return (await readOrder(trader, orderId)).status;
}

/** Once the engine has accepted the order (its event stored). */
async function untilOpen(trader: Trader, orderId: string): Promise<void> {
  await until(async () => (await orderStatus(trader, orderId)) === 'open');
}

/** The order once its stop has moved to `stopPrice` (the engine's event stored). */
async function stopMovedTo(trader: Trader, orderId: string, stopPrice: string): Promise<OrderView> {
  return until(async () => {
    const view = await readOrder(trader, orderId);
    return view.stopPrice === stopPrice && view;
  });
}

/** Two new traders trade one share at `price`, which is then the last trade. */
async function tradeAt(symbol: string, price: string): Promise<void> {
  const [from, to] = await Promise.all([newTrader(api, 'one-share-seller'), newTrader(api, 'one-share-buyer')]);
  const ask = await placed(from, { symbol, side: 'sell', type: 'limit', price, quantity: '1' });
  await untilOpen(from, ask.orderId);
  await place(to, { symbol, side: 'buy', type: 'limit', price, quantity: '1' });
  await until(async () => (await orderStatus(from, ask.orderId)) === 'filled');
}

/** One order's ledger entries, oldest first, as [reason, change in what is available]. */
async function orderLedger(trader: Trader, orderId: string): Promise<Array<[LedgerReason, string]>> {
  const entries = (await ledger(trader)).filter((entry) => entry.orderId === orderId).reverse();
  return entries.map((entry) => [entry.reason, entry.availableChange]);
}

const reasons = (entries: LedgerEntryView[]): LedgerReason[] => entries.map((entry) => entry.reason);

/** A 400 naming this one field, with this code. */
function expectFieldError(response: { status: number; body: unknown }, field: string, code: string): void {
  expect(response.status).toBe(400);
  expect(ApiErrorBody.parse(response.body).details.fields).toEqual([expect.objectContaining({ field, code })]);
}

describe('a new trader', () => {
  it('starts with the configured cash and shares, granted through the ledger', async () => {
    const trader = await newTrader(api, 'fresh');
    const view = await wallet(trader);
    expect(view.cash).toEqual({ available: '100000.00', held: '0.00', total: '100000.00' });
    // Granted shares are valued at the instrument's reference price (PETR4: 38.00).
    expect(position(view, 'PETR4')).toMatchObject({
      available: '1000',
      held: '0',
      costBasis: '38000.00',
      averageCost: '38.00',
    });
    const entries = await ledger(trader);
    expect(new Set(reasons(entries))).toEqual(new Set(['grant']));
    expect(entries.find((entry) => entry.asset === 'BRL')).toMatchObject({
      availableChange: '100000.00',
      availableAfter: '100000.00',
    });
  });
});

describe('holds', () => {
  it('holds price × quantity plus the largest fee for a buy, and releases it on cancel', async () => {
    const trader = await newTrader(api, 'holder');
    const response = await place(trader, {
      symbol: 'PETR4',
      side: 'buy',
      type: 'limit',
      price: '30.00',
      quantity: '10',
    });
    expect(response.status).toBe(202);
    const order = OrderView.parse(response.body);
    // 300.00 + 3 bps of it: 0.09
    expect((await wallet(trader)).cash).toEqual({ available: '99699.91', held: '300.09', total: '100000.00' });
    const [hold] = await ledger(trader, '?reason=hold');
    expect(hold).toMatchObject({
      asset: 'BRL',
      availableChange: '-300.09',
      heldChange: '300.09',
      orderId: order.orderId,
      traceId: response.headers['x-trace-id'],
    });

    await untilOpen(trader, order.orderId);
    expect((await api.request('DELETE', `/api/orders/${order.orderId}`, { token: trader.apiKey })).status).toBe(202);
    await until(async () => (await wallet(trader)).cash.held === '0.00');
    expect((await wallet(trader)).cash.available).toBe('100000.00');
    const [release] = await ledger(trader, '?reason=release');
    expect(release).toMatchObject({ availableChange: '300.09', heldChange: '-300.09', orderId: order.orderId });
  });

  it('holds a raised price for the larger quantity while an amend that also cuts it is on its way', async () => {
    const trader = await newTrader(api, 'raise-and-cut');
    const order = await placed(trader, {
      symbol: 'PETR4',
      side: 'buy',
      type: 'limit',
      price: '10.00',
      quantity: '100',
    });
    await untilOpen(trader, order.orderId);
    expect((await wallet(trader)).cash.held).toBe('1000.30');
    // 100 at 10.00 may still fill before 50 at 25.00 reaches the book, each fill taking 25.00 a share from the hold:
    // 2,500.75 is held at once. Once the engine has the amend, 50 at 25.00 is all it needs: 1,250.37.
    expect((await amend(trader, order.orderId, { price: '25.00', quantity: '50' })).status).toBe(202);
    await until(async () => (await wallet(trader)).cash.held === '1250.37');
    expect(await orderLedger(trader, order.orderId)).toEqual([
      ['hold', '-1000.30'],
      ['hold', '-1500.45'],
      ['release', '1250.38'],
    ]);
    expect((await api.request('DELETE', `/api/orders/${order.orderId}`, { token: trader.apiKey })).status).toBe(202);
    await until(async () => (await wallet(trader)).cash.held === '0.00');
    expect((await wallet(trader)).cash.available).toBe('100000.00');
  });

  it('gives back what an amend no longer needs: a lower price, a smaller quantity, a refused amend', async () => {
    const trader = await newTrader(api, 'cut-and-lower');
    const buy = await placed(trader, { symbol: 'VALE3', side: 'buy', type: 'limit', price: '60.00', quantity: '100' });
    const sell = await placed(trader, {
      symbol: 'VALE3',
      side: 'sell',
      type: 'limit',
      price: '90.00',
      quantity: '300',
    });
    await Promise.all([untilOpen(trader, buy.orderId), untilOpen(trader, sell.orderId)]);
    expect((await wallet(trader)).cash.held).toBe('6001.80');
    expect((await amend(trader, buy.orderId, { price: '55.00', quantity: '40' })).status).toBe(202);
    expect((await amend(trader, sell.orderId, { quantity: '120' })).status).toBe(202);
    // 40 at 55.00 plus the 3 bps fee; 120 shares.
    await until(async () => (await wallet(trader)).cash.held === '2200.66');
    await until(async () => position(await wallet(trader), 'VALE3').held === '120');
    expect(await readOrder(trader, buy.orderId)).toMatchObject({ price: '55.00', quantity: '40' });

    // An amend the engine refuses (a post-only buy raised to take the trader's own 90.00 ask): what the API held for
    // it comes back once the refusal arrives.
    const postOnly = { symbol: 'VALE3', side: 'buy', type: 'limit', price: '85.00', quantity: '10', postOnly: true };
    const passive = await placed(trader, postOnly);
    await untilOpen(trader, passive.orderId);
    expect((await amend(trader, passive.orderId, { price: '95.00' })).status).toBe(202);
    await until(async () => (await ledger(trader, '?reason=release')).length === 3);
    expect(await orderLedger(trader, passive.orderId)).toEqual([
      ['hold', '-850.25'],
      ['hold', '-100.03'],
      ['release', '100.03'],
    ]);
    expect((await api.request('DELETE', `/api/orders/${passive.orderId}`, { token: trader.apiKey })).status).toBe(202);
    await until(async () => (await orderStatus(trader, passive.orderId)) === 'cancelled');

    // The buy now holds at 55.00: a fill there takes exactly what is left.
    const seller = await newTrader(api, 'cut-and-lower-seller');
    await place(seller, { symbol: 'VALE3', side: 'sell', type: 'limit', price: '55.00', quantity: '40' });
    await until(async () => (await orderStatus(trader, buy.orderId)) === 'filled');
    expect((await wallet(trader)).cash).toMatchObject({ held: '0.00', available: '97799.56' });
  });

  it('holds for every amend on its way: a larger quantity, then a higher price for it', async () => {
    const trader = await newTrader(api, 'two-amends');
    const order = await placed(trader, {
      symbol: 'ITUB4',
      side: 'buy',
      type: 'limit',
      price: '10.00',
      quantity: '100',
    });
    await untilOpen(trader, order.orderId);
    // Sent together: the second amend names no quantity, so it is for whatever quantity the order has when it lands.
    const [more, higher] = await Promise.all([
      amend(trader, order.orderId, { quantity: '200' }),
      amend(trader, order.orderId, { price: '25.00' }),
    ]);
    expect([more.status, higher.status]).toEqual([202, 202]);
    // 200 at 25.00 plus the 3 bps fee, held from the second amend on, and all of it still needed once both land.
    expect((await wallet(trader)).cash.held).toBe('5001.50');
    await until(async () => (await readOrder(trader, order.orderId)).price === '25.00');
    await until(async () => (await readOrder(trader, order.orderId)).quantity === '200');
    expect((await wallet(trader)).cash.held).toBe('5001.50');
  });

  it('holds shares for a sell', async () => {
    const trader = await newTrader(api, 'share-holder');
    await place(trader, { symbol: 'VALE3', side: 'sell', type: 'limit', price: '70.00', quantity: '400' });
    expect(position(await wallet(trader), 'VALE3')).toMatchObject({ available: '600', held: '400', total: '1000' });
  });

  it('refuses an order the account cannot pay for with 422, and records and publishes nothing', async () => {
    const trader = await newTrader(api, 'short');
    const before = await wallet(trader);
    const buy = await place(trader, { symbol: 'ITUB4', side: 'buy', type: 'limit', price: '500.00', quantity: '201' });
    expect(buy.status).toBe(422);
    expect(ApiErrorBody.parse(buy.body)).toMatchObject({
      code: 'insufficient_funds',
      // Amounts as the API shows every amount: decimal strings.
      details: { asset: 'BRL', available: '100000.00', required: expect.stringMatching(/^1005\d\d\.\d\d$/) },
    });
    // A market buy holds its protection price: 10% above ABEV3's reference price (13.00) before its first trade,
    // 14.30. 7,000 of them are more than 100,000.00, and it says so.
    const market = await place(trader, { symbol: 'ABEV3', side: 'buy', type: 'market', quantity: '7000' });
    expect(market.status).toBe(422);
    expect(ApiErrorBody.parse(market.body).message).toBe(
      'not enough available cash: the order needs 100130.03 (its quantity at 14.30, its protection price (10% above ' +
        'the last trade, or the reference price before the first): the most a market buy may pay, plus the fee), ' +
        '100000.00 is free',
    );
    const sell = await place(trader, { symbol: 'ITUB4', side: 'sell', type: 'market', quantity: '1001' });
    expect(sell.status).toBe(422);
    expect(ApiErrorBody.parse(sell.body)).toMatchObject({
      code: 'insufficient_shares',
      message: 'not enough available ITUB4 shares: the order needs 1001, 1000 is free',
      details: { asset: 'ITUB4', available: '1000', required: '1001' },
    });
    expect(await wallet(trader)).toEqual(before);
    const orders = await api.request('GET', '/api/orders', { token: trader.apiKey });
    expect(orders.body).toEqual([]);
  });

  it('holds a market buy at its protection price, trades no further, and releases what it did not use', async () => {
    const seller = await newTrader(api, 'mkt-seller');
    const buyer = await newTrader(api, 'mkt-buyer');
    const resting = await placed(seller, {
      symbol: 'ABEV3',
      side: 'sell',
      type: 'limit',
      price: '12.00',
      quantity: '3',
    });
    const beyond = await placed(seller, {
      symbol: 'ABEV3',
      side: 'sell',
      type: 'limit',
      price: '15.00',
      quantity: '2',
    });
    await untilOpen(seller, beyond.orderId);
    const market = await placed(buyer, { symbol: 'ABEV3', side: 'buy', type: 'market', quantity: '5' });
    // 10% above the reference price, 13.00; 5 × 14.30 = 71.50, plus 3 bps (0.0214, rounded down). Read from the
    // ledger: the order may have traded and released the rest of its hold before a wallet could be read.
    expect(market.protectionPrice).toBe('14.30');
    const hold = (await ledger(buyer)).find((entry) => entry.orderId === market.orderId && entry.reason === 'hold');
    expect(hold).toMatchObject({ asset: 'BRL', heldChange: '71.52', availableChange: '-71.52' });
    await until(async () => (await orderStatus(buyer, market.orderId)) === 'cancelled');
    expect(await orderStatus(seller, resting.orderId)).toBe('filled');
    expect(await orderStatus(seller, beyond.orderId)).toBe('open');
    await until(async () => (await wallet(buyer)).cash.held === '0.00');
    // 3 × 12.00 = 36.00 plus a taker fee of 3 bps (0.0108, rounded down to 0.01)
    const view = await wallet(buyer);
    expect(view.cash).toEqual({ available: '99963.99', held: '0.00', total: '99963.99' });
    expect(position(view, 'ABEV3')).toMatchObject({ available: '1003', held: '0' });
  });

  it('holds a stop-market buy at 10% above its stop price, and gives it back when cancelled', async () => {
    const trader = await newTrader(api, 'stop-buyer');
    const stop = await placed(trader, {
      symbol: 'VALE3',
      side: 'buy',
      type: 'stop_market',
      stopPrice: '70.00',
      quantity: '10',
    });
    // 10 × 77.00 = 770.00, plus 3 bps (0.231, rounded down)
    expect(stop).toMatchObject({ protectionPrice: '77.00', price: null, stopPrice: '70.00' });
    expect((await wallet(trader)).cash.held).toBe('770.23');
    await untilOpen(trader, stop.orderId);
    await api.request('DELETE', `/api/orders/${stop.orderId}`, { token: trader.apiKey });
    await until(async () => (await wallet(trader)).cash.held === '0.00');
  });
});

describe('trailing stops', () => {
  it("move a buy stop-limit's stop and limit down with the trades, the hold staying as it was", async () => {
    const trader = await newTrader(api, 'trailer');
    const trade = (price: string) => tradeAt('ITUB4', price);
    await trade('30.00');
    const stop = await placed(trader, {
      symbol: 'ITUB4',
      side: 'buy',
      type: 'stop_limit',
      stopPrice: '31.00',
      price: '31.50',
      trailingOffset: '1.00',
      quantity: '10',
    });
    expect(stop).toMatchObject({ stopPrice: '31.00', price: '31.50', trailingOffset: '1.00' });
    // 10 × 31.50 = 315.00, plus 3 bps (0.0945, rounded down)
    expect((await wallet(trader)).cash.held).toBe('315.09');
    await untilOpen(trader, stop.orderId);
    await trade('29.00');
    const moved = await stopMovedTo(trader, stop.orderId, '30.00');
    expect(moved).toMatchObject({ price: '30.50', trailingOffset: '1.00', status: 'open' });
    expect((await wallet(trader)).cash.held).toBe('315.09');
    await api.request('DELETE', `/api/orders/${stop.orderId}`, { token: trader.apiKey });
    await until(async () => (await wallet(trader)).cash.held === '0.00');
  });

  it("move a sell stop-market's stop and its protection up with the trades", async () => {
    const trader = await newTrader(api, 'trailing-seller');
    await tradeAt('PETR4', '40.00');
    const stop = await placed(trader, {
      symbol: 'PETR4',
      side: 'sell',
      type: 'stop_market',
      stopPrice: '39.00',
      trailingOffset: '2.00',
      quantity: '5',
    });
    // 10% below the stop
    expect(stop.protectionPrice).toBe('35.10');
    await untilOpen(trader, stop.orderId);
    await tradeAt('PETR4', '42.00');
    const moved = await stopMovedTo(trader, stop.orderId, '40.00');
    expect(moved).toMatchObject({ protectionPrice: '36.10', price: null, trailingOffset: '2.00' });
    await api.request('DELETE', `/api/orders/${stop.orderId}`, { token: trader.apiKey });
  });

  it('take a new distance, which the stop keeps to from the next trade on; only trailing stops have one', async () => {
    const trader = await newTrader(api, 'distance-changer');
    await tradeAt('BBDC4', '15.00');
    const stop = await placed(trader, {
      symbol: 'BBDC4',
      side: 'sell',
      type: 'stop_limit',
      stopPrice: '14.00',
      price: '13.50',
      trailingOffset: '1.00',
      quantity: '3',
    });
    await untilOpen(trader, stop.orderId);
    expect((await amend(trader, stop.orderId, { trailingOffset: '0.40' })).status).toBe(202);
    const amended = await until(async () => {
      const view = await readOrder(trader, stop.orderId);
      return view.trailingOffset === '0.40' && view;
    });
    // The stop stays where it was until a trade.
    expect(amended).toMatchObject({ stopPrice: '14.00', price: '13.50', status: 'open' });
    await tradeAt('BBDC4', '15.00');
    const moved = await stopMovedTo(trader, stop.orderId, '14.60');
    expect(moved).toMatchObject({ price: '14.10', trailingOffset: '0.40' });

    const tooPrecise = await amend(trader, stop.orderId, { trailingOffset: '0.405' });
    expectFieldError(tooPrecise, 'trailingOffset', 'too_precise');
    const plain = await placed(trader, {
      symbol: 'BBDC4',
      side: 'sell',
      type: 'stop_limit',
      stopPrice: '14.00',
      price: '13.90',
      quantity: '1',
    });
    const notTrailing = await amend(trader, plain.orderId, { trailingOffset: '0.50' });
    expectFieldError(notTrailing, 'trailingOffset', 'not_a_trailing_stop');
    for (const orderId of [stop.orderId, plain.orderId]) {
      await api.request('DELETE', `/api/orders/${orderId}`, { token: trader.apiKey });
    }
  });
});

describe('a stop that fired', () => {
  it('shows when it fired, and its stop and distance no longer move', async () => {
    const trader = await newTrader(api, 'fired-stop');
    const stop = await placed(trader, {
      symbol: 'ABEV3',
      side: 'sell',
      type: 'stop_limit',
      stopPrice: '11.50',
      price: '11.00',
      trailingOffset: '0.50',
      quantity: '2',
    });
    expect(stop.triggeredAt).toBeNull();
    await untilOpen(trader, stop.orderId);
    await tradeAt('ABEV3', '11.40');
    const fired = await until(async () => {
      const view = await readOrder(trader, stop.orderId);
      return view.triggeredAt !== null && view;
    });
    expect(fired).toMatchObject({ status: 'open', stopPrice: '11.50', price: '11.00', filledQuantity: '0' });
    expect(Date.parse(fired.triggeredAt ?? '')).toBeGreaterThanOrEqual(Date.parse(stop.createdAt));
    expectFieldError(await amend(trader, stop.orderId, { stopPrice: '11.20' }), 'stopPrice', 'stop_triggered');
    expectFieldError(await amend(trader, stop.orderId, { trailingOffset: '0.20' }), 'trailingOffset', 'stop_triggered');
    // Its limit and quantity still can, as any resting order's.
    expect((await amend(trader, stop.orderId, { price: '11.10' })).status).toBe(202);
    await until(async () => (await readOrder(trader, stop.orderId)).price === '11.10');
    await api.request('DELETE', `/api/orders/${stop.orderId}`, { token: trader.apiKey });
  });
});

describe('moving a stop', () => {
  it("moves a stop-market buy's stop, its protection and its hold with it, up and down", async () => {
    const trader = await newTrader(api, 'stop-mover');
    const stop = await placed(trader, {
      symbol: 'VALE3',
      side: 'buy',
      type: 'stop_market',
      stopPrice: '70.00',
      quantity: '10',
    });
    await untilOpen(trader, stop.orderId);
    const amended = await amend(trader, stop.orderId, { stopPrice: '80.00' });
    expect(amended.status).toBe(202);
    // 10 × 88.00 (10% above the new stop) = 880.00, plus 3 bps (0.264, rounded down)
    expect((await wallet(trader)).cash.held).toBe('880.26');
    const moved = await stopMovedTo(trader, stop.orderId, '80.00');
    expect(moved).toMatchObject({ protectionPrice: '88.00', price: null, status: 'open' });
    // Moved down to 75.00, it needs 10 × 82.50 plus the fee once the engine has it; the rest comes back.
    expect((await amend(trader, stop.orderId, { stopPrice: '75.00' })).status).toBe(202);
    await until(async () => (await wallet(trader)).cash.held === '825.24');
    expect(await readOrder(trader, stop.orderId)).toMatchObject({ stopPrice: '75.00', protectionPrice: '82.50' });
    await api.request('DELETE', `/api/orders/${stop.orderId}`, { token: trader.apiKey });
    await until(async () => (await wallet(trader)).cash.held === '0.00');
  });

  it('refuses a stop price for an order that has none, a price for one without a limit, and one off the tick', async () => {
    const trader = await newTrader(api, 'no-stop');
    const limit = await placed(trader, { symbol: 'VALE3', side: 'buy', type: 'limit', price: '50.00', quantity: '1' });
    const refused = await amend(trader, limit.orderId, { stopPrice: '49.00' });
    expectFieldError(refused, 'stopPrice', 'not_a_stop_order');
    const stop = await placed(trader, {
      symbol: 'VALE3',
      side: 'sell',
      type: 'stop_limit',
      stopPrice: '40.00',
      price: '39.00',
      quantity: '1',
    });
    const offTick = await amend(trader, stop.orderId, { stopPrice: '40.005' });
    expect(offTick.status).toBe(400);
    expect(ApiErrorBody.parse(offTick.body).details.fields?.[0]?.field).toBe('stopPrice');
    const stopMarket = await placed(trader, {
      symbol: 'VALE3',
      side: 'sell',
      type: 'stop_market',
      stopPrice: '40.00',
      quantity: '1',
    });
    const priced = await amend(trader, stopMarket.orderId, { price: '39.00' });
    expectFieldError(priced, 'price', 'no_limit_price');
  });
});

describe('settlement', () => {
  it('moves cash and shares once, charges maker and taker fees and refunds price improvement', async () => {
    const seller = await newTrader(api, 'seller');
    const buyer = await newTrader(api, 'buyer');
    const sell = await placed(seller, { symbol: 'BBDC4', side: 'sell', type: 'limit', price: '29.50', quantity: '10' });
    await untilOpen(seller, sell.orderId);
    const buy = await placed(buyer, { symbol: 'BBDC4', side: 'buy', type: 'limit', price: '30.00', quantity: '10' });
    await until(async () => (await orderStatus(buyer, buy.orderId)) === 'filled');
    await until(async () => (await wallet(buyer)).cash.held === '0.00');

    // Trade: 10 at 29.50 = 295.00. Buyer (taker, 3 bps): fee 0.08; seller (maker, 2 bps): fee 0.05.
    const buyerView = await wallet(buyer);
    expect(buyerView.cash).toEqual({ available: '99704.92', held: '0.00', total: '99704.92' });
    // 1000 granted shares at the reference price (15.00) and the 10 bought for 295.08 with the fee:
    // 15,295.08 / 1,010 = 15.1436
    expect(position(buyerView, 'BBDC4')).toMatchObject({
      available: '1010',
      held: '0',
      costBasis: '15295.08',
      averageCost: '15.14',
    });
    expect((await api.request('GET', '/api/fees')).body).toEqual({ makerBps: 2, takerBps: 3 });
    const sellerView = await wallet(seller);
    expect(sellerView.cash).toEqual({ available: '100294.95', held: '0.00', total: '100294.95' });
    // Selling takes its share of the cost out at the average: 15,000.00 × 990 / 1,000
    expect(position(sellerView, 'BBDC4')).toMatchObject({
      available: '990',
      held: '0',
      costBasis: '14850.00',
      averageCost: '15.00',
    });

    const buyerTrade = (await ledger(buyer)).filter((entry) => entry.tradeId !== null);
    expect(buyerTrade.map((entry) => [entry.asset, entry.reason, entry.availableChange, entry.heldChange])).toEqual([
      ['BBDC4', 'trade', '10', '0'],
      // held 300.09 at the limit; used 295.00 + 0.08: the 0.50 price improvement and 0.01 of fee come back
      ['BRL', 'release', '5.01', '-5.01'],
      ['BRL', 'fee', '0.00', '-0.08'],
      ['BRL', 'trade', '0.00', '-295.00'],
    ]);
    const metrics = await api.metrics();
    expect(Number(/^api_trades_settled_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^api_fees_collected_cents_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(13);
    // The buy waited for the engine, Kafka and the ingestion between being recorded and its trade being settled.
    expect(Number(/^api_order_to_trade_seconds_count (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^api_order_to_trade_seconds_sum (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    const trades = await api.request('GET', '/api/me/trades', { token: seller.apiKey });
    expect((trades.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({ side: 'sell', role: 'maker', price: '29.50', notional: '295.00', fee: '0.05' }),
    ]);
  });

  it("creates the buyer's position when it has none yet, as for an instrument listed after the account opened", async () => {
    const seller = await newTrader(api, 'lister');
    const buyer = await newTrader(api, 'newcomer');
    const sql = api.app.get(SqlPool);
    await sql.query(`DELETE FROM balances WHERE account_id = $1 AND asset = 'ABEV3'`, [buyer.accountId]);
    expect(position(await wallet(buyer), 'ABEV3').available).toBe('0');
    const sell = await placed(seller, { symbol: 'ABEV3', side: 'sell', type: 'limit', price: '12.00', quantity: '5' });
    await untilOpen(seller, sell.orderId);
    const buy = await placed(buyer, { symbol: 'ABEV3', side: 'buy', type: 'limit', price: '12.00', quantity: '5' });
    await until(async () => (await orderStatus(buyer, buy.orderId)) === 'filled');
    await until(async () => (await wallet(buyer)).cash.held === '0.00');
    // 60.00 and the taker's fee, 3 bps of it rounded down to the cent.
    expect(position(await wallet(buyer), 'ABEV3')).toMatchObject({ available: '5', held: '0', costBasis: '60.01' });
    const shares = (await ledger(buyer)).filter((entry) => entry.asset === 'ABEV3' && entry.tradeId !== null);
    expect(shares.map((entry) => [entry.reason, entry.availableChange, entry.availableAfter])).toEqual([
      ['trade', '5', '5'],
    ]);
  });
});

describe('deposits and withdrawals', () => {
  it('adds and takes cash, once per idempotency key, and refuses to overdraw', async () => {
    const trader = await newTrader(api, 'banker');
    const deposit = (amount: string, key?: string) =>
      api.request('POST', '/api/me/deposits', {
        token: trader.apiKey,
        body: { amount },
        ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
      });
    const first = await deposit('250.50', 'dep-1');
    expect(first.status).toBe(201);
    expect(LedgerEntryView.parse(first.body)).toMatchObject({ reason: 'deposit', availableAfter: '100250.50' });
    const again = await deposit('250.50', 'dep-1');
    expect(again.body).toEqual(first.body);
    expect((await deposit('1.00', 'dep-1')).status).toBe(409);
    expect((await wallet(trader)).cash.available).toBe('100250.50');

    const tooMuch = await api.request('POST', '/api/me/withdrawals', {
      token: trader.apiKey,
      body: { amount: '100250.51' },
    });
    expect(tooMuch.status).toBe(422);
    expect(ApiErrorBody.parse(tooMuch.body)).toMatchObject({
      code: 'insufficient_funds',
      // Decimal strings, as the API shows every amount (the cash was once given in cents here: 10025050).
      details: {
        fields: [expect.objectContaining({ field: 'amount' })],
        asset: 'BRL',
        required: '100250.51',
        available: '100250.50',
      },
    });
    const ok = await api.request('POST', '/api/me/withdrawals', { token: trader.apiKey, body: { amount: '0.50' } });
    expect(LedgerEntryView.parse(ok.body)).toMatchObject({ reason: 'withdrawal', availableChange: '-0.50' });
    expect((await wallet(trader)).cash.available).toBe('100250.00');
  });

  it('gives the statement as a CSV file, with the filters its pages take', async () => {
    const trader = await newTrader(api, 'spreadsheet');
    for (const amount of ['10.00', '20.00']) {
      await api.request('POST', '/api/me/deposits', { token: trader.apiKey, body: { amount } });
    }
    const csv = async (query: string) => {
      const response = await api.request('GET', `/api/me/ledger?format=csv${query}`, { token: trader.apiKey });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe('attachment; filename="bolsa-extrato.csv"');
      return (response.body as string).split('\r\n');
    };
    const all = await csv('');
    expect(all[0]).toBe(
      'entry_id,created_at,asset,reason,symbol,side,available_change,held_change,available_after,held_after,order_id,trade_id',
    );
    expect(all.at(-1)).toBe('');
    // The same entries as the pages, newest first.
    const entries = await ledger(trader, '?limit=500');
    expect(all.slice(1, -1).map((line) => line.split(',')[0])).toEqual(entries.map((entry) => entry.entryId));
    const deposits = await csv('&reason=deposit');
    expect(deposits.slice(1, -1).map((line) => line.split(',').slice(2, 9))).toEqual([
      ['BRL', 'deposit', '', '', '20.00', '0.00', '100030.00'],
      ['BRL', 'deposit', '', '', '10.00', '0.00', '100010.00'],
    ]);
    const refused = await api.request('GET', '/api/me/ledger?format=pdf', { token: trader.apiKey });
    expect(refused.status).toBe(400);
  });

  it.each([['-5.00'], ['0'], ['1.234'], ['1e3'], ['abc'], [''], ['1000000.01']])(
    'refuses the amount %j with 400 naming the field, and changes nothing',
    async (amount) => {
      const trader = await newTrader(api, 'bad-amount');
      const response = await api.request('POST', '/api/me/deposits', { token: trader.apiKey, body: { amount } });
      expect(response.status).toBe(400);
      expect(ApiErrorBody.parse(response.body).details.fields?.[0]?.field).toBe('amount');
      expect((await wallet(trader)).cash.available).toBe('100000.00');
    },
  );
});

describe('race-free holds', () => {
  it('never lets 100 concurrent orders of one account hold more than it has', async () => {
    const trader = await newTrader(api, 'racer');
    // Each order holds 1000.00 + 0.30 fee; 100000.00 covers 99 of them (99029.70), not 100.
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        place(trader, { symbol: 'PETR4', side: 'buy', type: 'limit', price: '1.00', quantity: '1000' }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(99);
    expect(statuses.filter((status) => status === 422)).toHaveLength(1);
    expect((await wallet(trader)).cash).toEqual({ available: '970.30', held: '99029.70', total: '100000.00' });
    expect(await ledger(trader, '?reason=hold&limit=500')).toHaveLength(99);
  });
});

describe('amending a partly filled order', () => {
  it('refuses a quantity not above what has filled, and takes one above it', async () => {
    const seller = await newTrader(api, 'partly-filled-seller');
    const buyer = await newTrader(api, 'partly-filled-buyer');
    const sell = await placed(seller, {
      symbol: 'ITUB4',
      side: 'sell',
      type: 'limit',
      price: '33.00',
      quantity: '100',
    });
    await untilOpen(seller, sell.orderId);
    await place(buyer, { symbol: 'ITUB4', side: 'buy', type: 'limit', price: '33.00', quantity: '40' });
    await until(async () => (await readOrder(seller, sell.orderId)).filledQuantity === '40');

    for (const quantity of ['40', '30']) {
      const refused = await amend(seller, sell.orderId, { quantity });
      expectFieldError(refused, 'quantity', 'quantity_below_filled');
      expect(ApiErrorBody.parse(refused.body).message).toBe('quantity must be above the 40 already filled');
    }
    expect((await amend(seller, sell.orderId, { quantity: '60' })).status).toBe(202);
    const amended = await until(async () => {
      const view = await readOrder(seller, sell.orderId);
      return view.quantity === '60' && view;
    });
    expect(amended).toMatchObject({ status: 'partially_filled', filledQuantity: '40' });
    expect((await api.request('DELETE', `/api/orders/${sell.orderId}`, { token: seller.apiKey })).status).toBe(202);
    await until(async () => (await wallet(seller)).positions.some((p) => p.symbol === 'ITUB4' && p.held === '0'));
    expect(position(await wallet(seller), 'ITUB4')).toMatchObject({ available: '960', held: '0' });
  });
});
