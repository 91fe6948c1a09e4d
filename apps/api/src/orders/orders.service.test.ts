import { randomUUID } from 'node:crypto';
import type { AmendOrderCommand, OrderCommand, PlaceOrderCommand } from '@bolsa/contracts';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { loadConfig, type ApiConfig } from '../config.js';
import type { PgNotifications } from '../database/pg-notifications.js';
import type { SqlPool } from '../database/sql-pool.js';
import { ApiError } from '../errors/api-error.js';
import { InstrumentRegistry } from '../markets/instrument-registry.js';
import type { MarketDataService } from '../markets/market-data.service.js';
import { ReopeningCalls } from '../markets/reopening-calls.js';
import type { TradingHalts } from '../markets/trading-halts.js';
import type { CommandPublisher } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { MarketHours } from '../sessions/market-hours.js';
import type { AmendTerms } from './amend-terms.js';
import type { HistoryStore } from './history.store.js';
import { PlacementConflict, pendingRow, type NewOrder, type OrderStore } from './order-store.js';
import type { OrderRow } from './order-view.js';
import { OrdersService, type Caller } from './orders.service.js';

/** The cancel and amend use cases with their I/O in memory: the order store, the halts, the command publisher. */

const ACCOUNT = randomUUID();
const caller: Caller = { accountId: ACCOUNT, traceId: 'a'.repeat(32) };

class MemoryOrders {
  readonly rows = new Map<string, OrderRow>();
  readonly holds: { orderId: string; change: { price: number | null; quantity: number | null } }[] = [];
  holdFails: ApiError | null = null;

  add(fields: Partial<OrderRow>): OrderRow {
    const now = new Date();
    const row: OrderRow = {
      id: randomUUID(),
      account_id: ACCOUNT,
      client_order_id: null,
      symbol: 'PETR4',
      side: 'buy',
      type: 'limit',
      time_in_force: 'GTC',
      expires_on: null,
      price: '3800',
      stop_price: null,
      trailing_offset: null,
      protection_price: null,
      quantity: '10',
      filled_quantity: '0',
      filled_value: '0',
      status: 'open',
      status_reason: null,
      amends_sent: 0,
      amends_answered: 0,
      last_sequence: 0,
      triggered_at: null,
      created_at: now,
      updated_at: now,
      ...fields,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async find(accountId: string, orderId: string): Promise<OrderRow | null> {
    const row = this.rows.get(orderId);
    return row?.account_id === accountId ? row : null;
  }

  readonly inserted: NewOrder[] = [];
  insertConflicts = false;

  async insertWithHold(order: NewOrder): Promise<OrderRow> {
    if (this.insertConflicts) throw new PlacementConflict();
    this.inserted.push(order);
    const row = pendingRow(order, new Date());
    this.rows.set(row.id, row);
    this.keys.set(`${order.accountId}/${order.idempotencyKey}`, { ...row, request_hash: order.requestHash });
    return row;
  }

  private readonly keys = new Map<string, OrderRow & { request_hash: string | null }>();

  async findByIdempotencyKey(
    accountId: string,
    key: string,
  ): Promise<(OrderRow & { request_hash: string | null }) | null> {
    return this.keys.get(`${accountId}/${key}`) ?? null;
  }

  readonly requested: AmendTerms[] = [];

  async holdForAmend(
    orderId: string,
    change: { price: number | null; quantity: number | null },
    _traceId: string,
    requested: AmendTerms,
  ): Promise<void> {
    if (this.holdFails !== null) throw this.holdFails;
    this.holds.push({ orderId, change });
    this.requested.push(requested);
  }
}

class SentCommands {
  readonly sent: OrderCommand[] = [];
  publishFails = false;

  async deliver(command: OrderCommand): Promise<void> {
    this.sent.push(command);
  }

  async publish(command: OrderCommand): Promise<void> {
    if (this.publishFails) throw new Error('the broker is unreachable');
    this.sent.push(command);
  }
}

class LastPrices {
  readonly last = new Map<string, number>();
  async lastPrice(symbol: string): Promise<number | null> {
    return this.last.get(symbol) ?? null;
  }
}

class OpenOrders {
  readonly open: OrderRow[] = [];
  async orders(_accountId: string, filter: { clientOrderId?: string }): Promise<OrderRow[]> {
    return this.open.filter((row) => row.client_order_id === filter.clientOrderId);
  }
}

class Halts {
  readonly halted = new Set<string>();
  async refuseIfHalted(symbol: string): Promise<void> {
    if (this.halted.has(symbol)) throw new ApiError('trading_halted', `${symbol} is halted`);
  }
}

/** A dependency these use cases have no business touching: any use of it fails the test. */
function untouched<T>(name: string): T {
  return new Proxy(
    {},
    {
      get: (_target, key) => {
        throw new Error(`the use case touched ${name}.${String(key)}`);
      },
    },
  ) as T;
}

/** The real view of reopening calls, over a table holding `ends` (symbol → end). */
function reopeningCalls(config: ApiConfig, ends: Record<string, Date>): ReopeningCalls {
  const rows = Object.entries(ends).map(([symbol, endsAt]) => ({ symbol, ends_at: endsAt }));
  const sql = { query: () => Promise.resolve({ rows }) } as unknown as SqlPool;
  const calls = new ReopeningCalls(sql, {} as PgNotifications, new InstrumentRegistry(config), new ApiMetrics());
  return calls;
}

/** Placing reads the last price, counts and logs; cancelling and amending must not. */
function setUp({
  placing = false,
  environment = {} as NodeJS.ProcessEnv,
  reopening = {} as Record<string, Date>,
} = {}) {
  const config = loadConfig({
    DATABASE_URL: 'postgresql://unused@127.0.0.1/unused',
    KAFKA_BROKERS: '127.0.0.1:1',
    ...environment,
  });
  const orders = new MemoryOrders();
  const commands = new SentCommands();
  const halts = new Halts();
  const prices = new LastPrices();
  const history = new OpenOrders();
  const metrics = new ApiMetrics();
  const logLines: string[] = [];
  const reopenings = reopeningCalls(config, reopening);
  const service = new OrdersService(
    placing ? (history as unknown as HistoryStore) : untouched<HistoryStore>('history'),
    new InstrumentRegistry(config),
    placing ? (prices as unknown as MarketDataService) : untouched<MarketDataService>('market data'),
    commands as unknown as CommandPublisher,
    placing ? metrics : untouched<ApiMetrics>('metrics'),
    orders as unknown as OrderStore,
    config,
    placing
      ? new ApiLogger('info', { write: (line: string) => void logLines.push(line) })
      : untouched<ApiLogger>('logger'),
    halts as unknown as TradingHalts,
    new MarketHours(config, new Set<string>()),
    reopenings,
  );
  return { service, orders, commands, halts, prices, history, metrics, logLines, config, reopenings };
}

/** B3's hours, 10:00 to 18:00 in São Paulo (UTC-3), Monday to Friday. */
const TRADING_HOURS = { MARKET_OPEN: '10:00', MARKET_CLOSE: '18:00', MARKET_TIMEZONE: 'America/Sao_Paulo' };

/** Date (and nothing else: timers and I/O go on) at `instant` until the test ends. */
function clockAt(instant: string): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(instant));
  onTestFinished(() => void vi.useRealTimers());
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('amending an order', () => {
  it("holds for a limit order's new price first, then sends the amend", async () => {
    const { service, orders, commands } = setUp();
    const order = orders.add({});
    const view = await service.amend(caller, order.id, { price: '39.50' });
    expect(view.orderId).toBe(order.id);
    expect(orders.holds).toEqual([{ orderId: order.id, change: { price: 3950, quantity: null } }]);
    expect(commands.sent).toEqual([
      expect.objectContaining<Partial<AmendOrderCommand>>({
        type: 'amend_order',
        orderId: order.id,
        accountId: ACCOUNT,
        symbol: 'PETR4',
        traceId: caller.traceId,
        price: 3950,
        quantity: null,
        stopPrice: null,
        trailingOffset: null,
      }),
    ]);
  });

  it("moves a stop-market's protection with its stop, and holds for the new protection", async () => {
    const { service, orders, commands } = setUp();
    const order = orders.add({ type: 'stop_market', price: null, stop_price: '7000', protection_price: '7700' });
    await service.amend(caller, order.id, { stopPrice: '80.00' });
    // 10% above the new stop, as when it was placed.
    expect(orders.holds).toEqual([{ orderId: order.id, change: { price: 8800, quantity: null } }]);
    // Whether the amend changes anything is judged on what the caller asked for, not on the protection it moves.
    expect(orders.requested).toEqual([
      { price: null, quantity: null, stopPrice: 8000, trailingOffset: null, expiresOn: null },
    ]);
    expect(commands.sent).toEqual([expect.objectContaining({ stopPrice: 8000, price: 8800 })]);
  });

  it("sends a trailing stop's new distance, its hold untouched", async () => {
    const { service, orders, commands } = setUp();
    const order = orders.add({ type: 'stop_limit', stop_price: '3700', price: '3650', trailing_offset: '100' });
    await service.amend(caller, order.id, { trailingOffset: '0.50' });
    expect(orders.holds).toEqual([{ orderId: order.id, change: { price: null, quantity: null } }]);
    expect(commands.sent).toEqual([
      expect.objectContaining({ price: null, quantity: null, stopPrice: null, trailingOffset: 50 }),
    ]);
  });

  const refusals: [string, Partial<OrderRow>, Record<string, string>, string, string][] = [
    ['a stop price for an order without one', {}, { stopPrice: '37.00' }, 'stopPrice', 'not_a_stop_order'],
    [
      'a price for a stop-market (its protection follows its stop)',
      { type: 'stop_market', price: null, stop_price: '3700' },
      { price: '36.00' },
      'price',
      'no_limit_price',
    ],
    [
      'a distance for a stop that does not trail',
      { type: 'stop_limit', stop_price: '3700' },
      { trailingOffset: '0.50' },
      'trailingOffset',
      'not_a_trailing_stop',
    ],
    [
      'a new stop for a stop that fired',
      { type: 'stop_limit', stop_price: '3700', triggered_at: new Date() },
      { stopPrice: '36.00' },
      'stopPrice',
      'stop_triggered',
    ],
    [
      'a new distance for a trailing stop that fired',
      { type: 'stop_limit', stop_price: '3700', trailing_offset: '100', triggered_at: new Date() },
      { trailingOffset: '0.20' },
      'trailingOffset',
      'stop_triggered',
    ],
    [
      'a distance finer than a cent',
      { type: 'stop_limit', stop_price: '3700', trailing_offset: '100' },
      { trailingOffset: '0.005' },
      'trailingOffset',
      'too_precise',
    ],
  ];
  it.each(refusals)(
    'refuses %s with 400 naming the field, holding and sending nothing',
    async (_name, row, body, field, code) => {
      const { service, orders, commands } = setUp();
      const order = orders.add(row);
      const error = await refusal(service.amend(caller, order.id, body));
      expect(error.status).toBe(400);
      expect(error.details.fields).toEqual([expect.objectContaining({ field, code })]);
      expect(orders.holds).toEqual([]);
      expect(commands.sent).toEqual([]);
    },
  );

  it("answers another account's order as not found, and a finished one as not open", async () => {
    const { service, orders, commands } = setUp();
    const theirs = orders.add({ account_id: randomUUID() });
    const done = orders.add({ status: 'filled' });
    expect((await refusal(service.amend(caller, theirs.id, { price: '39.00' }))).code).toBe('not_found');
    expect((await refusal(service.amend(caller, 'not-an-id', { price: '39.00' }))).code).toBe('not_found');
    expect((await refusal(service.amend(caller, done.id, { price: '39.00' }))).code).toBe('order_not_open');
    expect(commands.sent).toEqual([]);
  });

  it('refuses while the instrument is halted, before holding anything', async () => {
    const { service, orders, commands, halts } = setUp();
    const order = orders.add({});
    halts.halted.add('PETR4');
    expect((await refusal(service.amend(caller, order.id, { price: '39.00' }))).code).toBe('trading_halted');
    expect(orders.holds).toEqual([]);
    expect(commands.sent).toEqual([]);
  });

  it('refuses outside trading hours, before holding anything, and names when the exchange opens', async () => {
    const { service, orders, commands } = setUp({ environment: TRADING_HOURS });
    const order = orders.add({});
    // Friday the 13th of February 2026, 18:00 in São Paulo: closed until Ash Wednesday at 13:00, past the weekend
    // and B3's Carnival (its holidays and its late opening are the default).
    clockAt('2026-02-13T21:00:00Z');
    const error = await refusal(service.amend(caller, order.id, { price: '39.00' }));
    expect(error.code).toBe('market_closed');
    expect(error.details).toEqual({ opensAt: '2026-02-18T16:00:00.000Z' });
    expect(orders.holds).toEqual([]);
    expect(commands.sent).toEqual([]);
    // Cancels go on.
    await service.cancel(caller, order.id);
    expect(commands.sent.map((command) => command.type)).toEqual(['cancel_order']);
  });

  it("moves a GTD order's last day while closed or halted (it cannot trade), holding nothing more", async () => {
    const { service, orders, commands, halts } = setUp({ environment: TRADING_HOURS });
    const order = orders.add({ time_in_force: 'GTD', expires_on: '2026-02-20' });
    clockAt('2026-02-13T21:00:00Z');
    halts.halted.add('PETR4');
    await service.amend(caller, order.id, { expiresOn: '2026-02-23' });
    expect(orders.holds).toEqual([{ orderId: order.id, change: { price: null, quantity: null } }]);
    expect(commands.sent).toMatchObject([
      { type: 'amend_order', price: null, quantity: null, expiresOn: '2026-02-23' },
    ]);
    // A new price with it is refused as any new price is.
    expect((await refusal(service.amend(caller, order.id, { expiresOn: '2026-02-24', price: '39.00' }))).code).toBe(
      'market_closed',
    );
    // A day the order cannot have: a weekend day, or any day for an order that is not GTD.
    const weekend = await refusal(service.amend(caller, order.id, { expiresOn: '2026-02-21' }));
    expect(weekend.details).toMatchObject({ fields: [{ field: 'expiresOn', code: 'not_a_trading_day' }] });
    const gtc = orders.add({});
    const notGtd = await refusal(service.amend(caller, gtc.id, { expiresOn: '2026-02-23' }));
    expect(notGtd.details).toMatchObject({ fields: [{ field: 'expiresOn', code: 'not_good_till_date' }] });
    expect(commands.sent).toHaveLength(1);
  });

  it('sends nothing when the larger hold cannot be made', async () => {
    const { service, orders, commands } = setUp();
    const order = orders.add({});
    orders.holdFails = new ApiError('insufficient_funds', 'not enough cash');
    expect((await refusal(service.amend(caller, order.id, { quantity: '1000' }))).code).toBe('insufficient_funds');
    expect(commands.sent).toEqual([]);
  });
});

describe('cancelling an order', () => {
  it('sends a cancel for an open order, even while its instrument is halted, and holds nothing', async () => {
    const { service, orders, commands, halts } = setUp();
    const order = orders.add({ status: 'partially_filled', filled_quantity: '4' });
    halts.halted.add('PETR4');
    expect((await service.cancel(caller, order.id)).status).toBe('partially_filled');
    expect(commands.sent).toEqual([
      expect.objectContaining({ type: 'cancel_order', orderId: order.id, accountId: ACCOUNT, traceId: caller.traceId }),
    ]);
    expect(orders.holds).toEqual([]);
  });

  it("sends nothing for another account's order or a finished one", async () => {
    const { service, orders, commands } = setUp();
    const theirs = orders.add({ account_id: randomUUID() });
    const done = orders.add({ status: 'cancelled' });
    expect((await refusal(service.cancel(caller, theirs.id))).code).toBe('not_found');
    expect((await refusal(service.cancel(caller, done.id))).code).toBe('order_not_open');
    expect(commands.sent).toEqual([]);
  });
});

describe('placing an order', () => {
  const limitBuy = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '38.00', quantity: '10' };

  it('records it with its hold, then sends it, and answers it pending', async () => {
    const { service, orders, commands, metrics } = setUp({ placing: true });
    const view = await service.place(caller, limitBuy, undefined);
    expect(view).toMatchObject({ status: 'pending', price: '38.00', quantity: '10', accountId: ACCOUNT });
    expect(orders.inserted).toHaveLength(1);
    expect(orders.inserted[0]?.hold).toMatchObject({ asset: 'BRL', price: 3800n });
    expect(commands.sent).toEqual([
      expect.objectContaining<Partial<PlaceOrderCommand>>({
        type: 'place_order',
        orderId: view.orderId,
        accountId: ACCOUNT,
        price: 3800,
        quantity: 10,
        traceId: caller.traceId,
      }),
    ]);
    expect((await metrics.ordersAccepted.get()).values).toEqual([
      expect.objectContaining({ value: 1, labels: { symbol: 'PETR4' } }),
    ]);
  });

  it("protects a market buy 10% past the last trade, or past the instrument's reference price before one", async () => {
    const { service, orders, prices } = setUp({ placing: true });
    const marketBuy = { symbol: 'PETR4', side: 'buy', type: 'market', quantity: '5' };
    // PETR4's reference price is 38.00.
    expect((await service.place(caller, marketBuy, undefined)).protectionPrice).toBe('41.80');
    prices.last.set('PETR4', 4000);
    expect((await service.place(caller, marketBuy, undefined)).protectionPrice).toBe('44.00');
    expect(orders.inserted.map((order) => order.hold.price)).toEqual([4180n, 4400n]);
  });

  it('answers 202 pending when the send fails: the order is recorded, counted unsent and left to the re-sender', async () => {
    const { service, orders, commands, metrics, logLines } = setUp({ placing: true });
    commands.publishFails = true;
    const view = await service.place(caller, limitBuy, undefined);
    expect(view.status).toBe('pending');
    expect(orders.inserted).toHaveLength(1);
    expect((await metrics.ordersUnsent.get()).values[0]?.value).toBe(1);
    expect(logLines.join('')).toContain('order recorded but not sent');
  });

  it('answers a repeat under one Idempotency-Key with the same order, and another body under it with 409', async () => {
    const { service, orders, commands } = setUp({ placing: true });
    const first = await service.place(caller, limitBuy, 'key-1');
    // The same fields in another order are the same body.
    const again = await service.place(
      caller,
      { quantity: '10', price: '38.00', type: 'limit', side: 'buy', symbol: 'PETR4' },
      'key-1',
    );
    expect(again.orderId).toBe(first.orderId);
    expect((await refusal(service.place(caller, { ...limitBuy, quantity: '11' }, 'key-1'))).code).toBe(
      'idempotency_conflict',
    );
    expect(orders.inserted).toHaveLength(1);
    expect(commands.sent).toHaveLength(1);
  });

  it('takes orders in trading hours only, counting each refusal, yet answers a repeat of one taken in hours', async () => {
    const { service, orders, commands, metrics } = setUp({ placing: true, environment: TRADING_HOURS });
    // Friday 09:59 in São Paulo: it opens at 10:00 that day.
    clockAt('2026-02-13T12:59:00Z');
    const early = await refusal(service.place(caller, limitBuy, 'key-1'));
    expect(early.code).toBe('market_closed');
    expect(early.details).toEqual({ opensAt: '2026-02-13T13:00:00.000Z' });
    expect(orders.inserted).toEqual([]);
    vi.setSystemTime(new Date('2026-02-13T13:00:00Z'));
    const placed = await service.place(caller, limitBuy, 'key-1');
    // Saturday: a new order waits for Wednesday at 13:00, after the Carnival; the one placed on Friday is still
    // answered as itself.
    vi.setSystemTime(new Date('2026-02-14T15:00:00Z'));
    expect((await service.place(caller, limitBuy, 'key-1')).orderId).toBe(placed.orderId);
    const weekend = await refusal(service.place(caller, limitBuy, 'key-2'));
    expect(weekend.details).toEqual({ opensAt: '2026-02-18T16:00:00.000Z' });
    expect(orders.inserted).toHaveLength(1);
    expect(commands.sent).toHaveLength(1);
    expect((await metrics.ordersRejected.get()).values).toEqual([
      expect.objectContaining({ value: 2, labels: { reason: 'market_closed' } }),
    ]);
  });

  it("refuses in an instrument's reopening call what cannot rest, and takes what can, as in any auction", async () => {
    const endsAt = new Date(Date.now() + 60_000);
    const { service, orders, commands, reopenings } = setUp({ placing: true, reopening: { PETR4: endsAt } });
    await reopenings.refresh();
    for (const body of [
      { ...limitBuy, type: 'market', price: undefined },
      { ...limitBuy, timeInForce: 'IOC' },
      { ...limitBuy, postOnly: true },
    ]) {
      const refused = await refusal(service.place(caller, body, undefined));
      expect(refused.code).toBe('auction_call');
      expect(refused.details).toEqual({ auction: 'reopening', endsAt: endsAt.toISOString() });
    }
    expect(orders.inserted).toEqual([]);
    // A limit order rests in the reopening (the book is in its auction already); another instrument trades as ever.
    await service.place(caller, limitBuy, undefined);
    await service.place(caller, { symbol: 'VALE3', side: 'buy', type: 'market', quantity: '5' }, undefined);
    expect(commands.sent.map((command) => [command.symbol, command.type, 'auctionEndsAt' in command])).toEqual([
      ['PETR4', 'place_order', false],
      ['VALE3', 'place_order', false],
    ]);
  });

  it('records and sends nothing for an order that does not validate, and counts why', async () => {
    const { service, orders, commands, metrics } = setUp({ placing: true });
    const error = await refusal(service.place(caller, { ...limitBuy, price: '38.005' }, undefined));
    expect(error.code).toBe('validation_failed');
    expect(error.details.fields).toEqual([expect.objectContaining({ field: 'price' })]);
    expect((await refusal(service.place(caller, { ...limitBuy, symbol: 'XPTO3' }, undefined))).code).toBe(
      'unknown_symbol',
    );
    expect(orders.inserted).toEqual([]);
    expect(commands.sent).toEqual([]);
    expect((await metrics.ordersRejected.get()).values.map((value) => value.labels['reason'])).toEqual([
      'validation_failed',
      'unknown_symbol',
    ]);
  });

  it('refuses a clientOrderId an open order of the account has, naming that order', async () => {
    const { service, orders, history, commands } = setUp({ placing: true });
    const open = orders.add({ client_order_id: 'mine-1' });
    history.open.push(open);
    orders.insertConflicts = true;
    const error = await refusal(service.place(caller, { ...limitBuy, clientOrderId: 'mine-1' }, undefined));
    expect(error.code).toBe('duplicate_client_order_id');
    expect(error.details['orderId']).toBe(open.id);
    expect(commands.sent).toEqual([]);
  });
});
