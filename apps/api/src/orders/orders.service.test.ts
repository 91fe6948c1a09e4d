import { randomUUID } from 'node:crypto';
import type { AmendOrderCommand, OrderCommand } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';
import { InstrumentRegistry } from '../markets/instrument-registry.js';
import type { MarketDataService } from '../markets/market-data.service.js';
import type { TradingHalts } from '../markets/trading-halts.js';
import type { CommandPublisher } from '../messaging/kafka.js';
import type { ApiLogger } from '../observability/logger.js';
import type { ApiMetrics } from '../observability/metrics.js';
import type { HistoryStore } from './history.store.js';
import type { OrderStore } from './order-store.js';
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
      price: '3800',
      stop_price: null,
      trailing_offset: null,
      protection_price: null,
      quantity: '10',
      filled_quantity: '0',
      status: 'open',
      status_reason: null,
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

  async holdForAmend(orderId: string, change: { price: number | null; quantity: number | null }): Promise<void> {
    if (this.holdFails !== null) throw this.holdFails;
    this.holds.push({ orderId, change });
  }
}

class SentCommands {
  readonly sent: OrderCommand[] = [];
  async deliver(command: OrderCommand): Promise<void> {
    this.sent.push(command);
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

function setUp() {
  const config = loadConfig({ DATABASE_URL: 'postgresql://unused@127.0.0.1/unused', KAFKA_BROKERS: '127.0.0.1:1' });
  const orders = new MemoryOrders();
  const commands = new SentCommands();
  const halts = new Halts();
  const service = new OrdersService(
    untouched<HistoryStore>('history'),
    new InstrumentRegistry(config),
    untouched<MarketDataService>('market data'),
    commands as unknown as CommandPublisher,
    untouched<ApiMetrics>('metrics'),
    orders as unknown as OrderStore,
    config,
    untouched<ApiLogger>('logger'),
    halts as unknown as TradingHalts,
  );
  return { service, orders, commands, halts };
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
