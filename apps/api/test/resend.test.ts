import { randomUUID } from 'node:crypto';
import {
  DEFAULT_INSTRUMENTS,
  formatCents,
  OrderView,
  WalletView,
  type EngineEvent,
  type OrderCommand,
  type OrderFields,
} from '@bolsa/contracts';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlPool } from '../src/database/sql-pool.js';
import { EventIngestion } from '../src/events/event-ingestion.js';
import { CommandPublisher } from '../src/messaging/kafka.js';
import { ApiMetrics } from '../src/observability/metrics.js';
import { amendCommand } from '../src/orders/engine-commands.js';
import { OrderStore } from '../src/orders/order-store.js';
import { planHold, type HoldPlan } from '../src/wallets/holds.js';
import { startInTestEngine } from './engine-in-test.js';
import { newAdmin, newTrader, startSiblingApi, startTestApi, type TestApi, until, watchCommands } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

const RESEND_AFTER_MS = 400;
let api: TestApi;
let engine: Awaited<ReturnType<typeof startInTestEngine>>;
let watcher: Consumer;
const placements: OrderCommand[] = [];
const amends: OrderCommand[] = [];

beforeAll(async () => {
  api = await startTestApi({ ORDER_RESEND_AFTER_MS: String(RESEND_AFTER_MS) });
  engine = await startInTestEngine(api.broker.bootstrap);
  watcher = await watchCommands(api, 'resend-watch', (command) => {
    if (command.type === 'place_order') placements.push(command);
    if (command.type === 'amend_order') amends.push(command);
  });
});

afterAll(async () => {
  await watcher.disconnect();
  await engine.stop();
  await api.stop();
});

const sentFor = (orderId: string) =>
  placements.filter((command) => command.type === 'place_order' && command.orderId === orderId);

async function place(token: string, body: Record<string, string>): Promise<OrderView> {
  return OrderView.parse((await api.request('POST', '/api/orders', { token, body })).body);
}

async function order(token: string, orderId: string): Promise<OrderView> {
  return OrderView.parse((await api.request('GET', `/api/orders/${orderId}`, { token })).body);
}

/** Places the order and waits until the engine has it resting. */
async function placeOpen(token: string, body: Record<string, string>): Promise<OrderView> {
  const placed = await place(token, body);
  await until(async () => (await order(token, placed.orderId)).status === 'open');
  return placed;
}

/** A new trader's sell order, resting in the book. */
async function restingSell(name: string, symbol: string, price: string, quantity: string) {
  const seller = await newTrader(api, name);
  const sell = await placeOpen(seller.apiKey, { symbol, side: 'sell', type: 'limit', price, quantity });
  return { seller, sell };
}

async function storedEvents(orderId: string): Promise<string[]> {
  const { rows } = await api.app
    .get(SqlPool)
    .query<{ type: string }>('SELECT type FROM engine_events WHERE order_id = $1 ORDER BY id', [orderId]);
  return rows.map((row) => row.type);
}

async function wallet(token: string): Promise<WalletView> {
  return WalletView.parse((await api.request('GET', '/api/me/wallet', { token })).body);
}

const limitBuy = (price: number, quantity: number, clientOrderId: string | null = null): OrderFields => ({
  side: 'buy',
  orderType: 'limit',
  timeInForce: 'GTC',
  expiresOn: null,
  price,
  stopPrice: null,
  trailingOffset: null,
  quantity,
  postOnly: false,
  selfTradePrevention: 'cancel_newest',
  clientOrderId,
});

function holdFor(symbol: string, fields: OrderFields): HoldPlan {
  const instrument = DEFAULT_INSTRUMENTS.find((candidate) => candidate.symbol === symbol)!;
  return planHold(fields, instrument, 3, null) as HoldPlan;
}

/** What a placement does before it publishes, done alone (as if its process died next): recorded, never sent. */
async function recordOnly(accountId: string, symbol: string, fields: OrderFields): Promise<string> {
  const orderId = randomUUID();
  await api.app.get(OrderStore).insertWithHold({
    orderId,
    accountId,
    symbol,
    fields,
    protectionPrice: null,
    idempotencyKey: null,
    requestHash: null,
    traceId: randomUUID().replaceAll('-', ''),
    hold: holdFor(symbol, fields),
  });
  return orderId;
}

describe('orders recorded but never answered by the engine', () => {
  it('sends an order whose sender died before publishing it, and the order trades once', async () => {
    const { seller, sell } = await restingSell('stranded-seller', 'ITUB4', '31.00', '30');
    const buyer = await newTrader(api, 'stranded-buyer');
    const before = await wallet(buyer.apiKey);

    const orderId = await recordOnly(buyer.accountId, 'ITUB4', limitBuy(3100, 10, 'lost-in-a-crash'));
    expect((await order(buyer.apiKey, orderId)).status).toBe('pending');

    const filled = await until(async () => {
      const view = await order(buyer.apiKey, orderId);
      return view.status === 'filled' && view;
    });
    expect(filled).toMatchObject({ filledQuantity: '10', clientOrderId: 'lost-in-a-crash' });
    expect(await order(seller.apiKey, sell.orderId)).toMatchObject({
      status: 'partially_filled',
      filledQuantity: '10',
    });
    const sent = sentFor(orderId);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent[0]).toMatchObject({
      accountId: buyer.accountId,
      price: 3100,
      quantity: 10,
      clientOrderId: 'lost-in-a-crash',
    });
    expect((await storedEvents(orderId)).filter((type) => type === 'order_accepted')).toHaveLength(1);
    const after = await wallet(buyer.apiKey);
    const position = (view: WalletView) => view.positions.find((entry) => entry.symbol === 'ITUB4');
    expect(Number(position(after)!.available) - Number(position(before)!.available)).toBe(10);
    expect(after.cash.held).toBe('0.00');
  });

  it('cancels an order its owner cancelled before the engine had it, when the order is re-sent', async () => {
    const { seller, sell } = await restingSell('cancel-first-seller', 'VALE3', '62.00', '20');
    const buyer = await newTrader(api, 'cancel-first-buyer');
    const before = await wallet(buyer.apiKey);
    const sql = api.app.get(SqlPool);

    const orderId = await recordOnly(buyer.accountId, 'VALE3', limitBuy(6200, 5));
    // Out of the re-sender's sight until the cancel has been through the engine, so that the cancel comes first.
    await sql.query(`UPDATE orders SET created_at = created_at + interval '1 hour' WHERE id = $1`, [orderId]);
    const cancel = await api.request('DELETE', `/api/orders/${orderId}`, { token: buyer.apiKey });
    expect(cancel.status).toBe(202);
    await until(async () => (await storedEvents(orderId)).includes('order_rejected'));
    await sql.query(`UPDATE orders SET created_at = created_at - interval '1 hour' WHERE id = $1`, [orderId]);

    const cancelled = await until(async () => {
      const view = await order(buyer.apiKey, orderId);
      return view.status !== 'pending' && view;
    });
    expect(cancelled).toMatchObject({ status: 'cancelled', statusReason: 'requested', filledQuantity: '0' });
    expect(sentFor(orderId).length).toBeGreaterThanOrEqual(1);
    expect(await storedEvents(orderId)).toEqual(['order_rejected', 'order_cancelled']);
    expect(await order(seller.apiKey, sell.orderId)).toMatchObject({ status: 'open', filledQuantity: '0' });
    expect((await wallet(buyer.apiKey)).cash).toEqual(before.cash);
  });

  it('expires a DAY order recorded before a close that it reaches the engine after', async () => {
    const trader = await newTrader(api, 'stranded-day');
    const admin = await newAdmin(api);
    const before = await wallet(trader.apiKey);
    const marker = await placeOpen(trader.apiKey, {
      symbol: 'ITUB4',
      side: 'buy',
      type: 'limit',
      price: '27.00',
      quantity: '1',
      timeInForce: 'DAY',
    });
    const sql = api.app.get(SqlPool);
    const orderId = await recordOnly(trader.accountId, 'ITUB4', { ...limitBuy(2700, 3), timeInForce: 'DAY' });
    // Out of the re-sender's sight until the close has been through the engine (it expires the marker).
    await sql.query(`UPDATE orders SET created_at = created_at + interval '1 hour' WHERE id = $1`, [orderId]);
    expect((await api.request('POST', '/api/admin/end-of-day', { token: admin.apiKey })).status).toBe(202);
    await until(async () => (await order(trader.apiKey, marker.orderId)).status === 'expired');
    await sql.query(`UPDATE orders SET created_at = created_at - interval '1 hour' WHERE id = $1`, [orderId]);

    const expired = await until(async () => {
      const view = await order(trader.apiKey, orderId);
      return view.status !== 'pending' && view;
    });
    expect(expired).toMatchObject({ status: 'expired', filledQuantity: '0' });
    expect(await storedEvents(orderId)).toEqual(['order_expired']);
    expect((await wallet(trader.apiKey)).cash).toEqual(before.cash);
  });

  it('re-sends an order the engine has not taken yet, and the engine places it once', async () => {
    const trader = await newTrader(api, 'waiting');
    const resent = api.app.get(ApiMetrics).ordersResent;
    const resentBefore = (await resent.get()).values[0]?.value ?? 0;
    engine.pause();
    let placed: OrderView;
    try {
      placed = await place(trader.apiKey, {
        symbol: 'ITUB4',
        side: 'buy',
        type: 'limit',
        price: '29.00',
        quantity: '5',
      });
      // Published once by the request, then again by the re-sender while the engine takes nothing.
      const sent = await until(async () => sentFor(placed.orderId).length >= 2 && sentFor(placed.orderId));
      expect(new Set(sent.map((command) => command.timestamp)).size).toBe(1);
      expect(new Set(sent.map((command) => command.commandId)).size).toBe(sent.length);
      expect((await resent.get()).values[0]?.value ?? 0).toBeGreaterThan(resentBefore);
      expect((await order(trader.apiKey, placed.orderId)).status).toBe('pending');
    } finally {
      engine.resume();
    }
    await until(async () => (await order(trader.apiKey, placed.orderId)).status === 'open');
    // The copies were sent before the order opened, so they are through the engine once an order sent after them is.
    await placeOpen(trader.apiKey, {
      symbol: 'ITUB4',
      side: 'buy',
      type: 'limit',
      price: '28.00',
      quantity: '1',
    });
    expect(await storedEvents(placed.orderId)).toEqual(['order_accepted']);
    // Held once: this order's hold and the marker's, nothing more.
    const held = holdFor('ITUB4', limitBuy(2900, 5)).amount + holdFor('ITUB4', limitBuy(2800, 1)).amount;
    expect((await wallet(trader.apiKey)).cash.held).toBe(formatCents(Number(held)));
  });
});

describe('an order first sent too long after it was recorded', () => {
  it('re-sends a market order with the protection price it was placed with', async () => {
    const trader = await newTrader(api, 'protected');
    engine.pause();
    let placed: OrderView;
    try {
      placed = await place(trader.apiKey, { symbol: 'BBDC4', side: 'buy', type: 'market', quantity: '5' });
      // BBDC4 has not traded here: 10% above its reference price, 15.00.
      expect(placed.protectionPrice).toBe('16.50');
      const sent = await until(async () => sentFor(placed.orderId).length >= 2 && sentFor(placed.orderId));
      expect(sent.map((command) => command.type === 'place_order' && command.protectionPrice)).toEqual(
        sent.map(() => 1650),
      );
    } finally {
      engine.resume();
    }
    await until(async () => (await order(trader.apiKey, placed.orderId)).status === 'cancelled');
    expect((await wallet(trader.apiKey)).cash.held).toBe('0.00');
  });

  it('is rejected as stale by the engine, and its hold goes back', async () => {
    const trader = await newTrader(api, 'too-late');
    const before = await wallet(trader.apiKey);
    const orderId = await recordOnly(trader.accountId, 'BBDC4', limitBuy(1500, 10));
    expect(Number((await wallet(trader.apiKey)).cash.held)).toBeGreaterThan(0);
    // As if Kafka had been out of reach for a minute since the order was recorded (the engine allows 30 s).
    await api.app
      .get(SqlPool)
      .query(`UPDATE orders SET created_at = created_at - interval '60 seconds' WHERE id = $1`, [orderId]);
    const rejected = await until(async () => {
      const view = await order(trader.apiKey, orderId);
      return view.status === 'rejected' && view;
    });
    expect(rejected.statusReason).toBe('stale_command');
    const [sent] = sentFor(orderId);
    expect(sent!.type === 'place_order' && sent!.sentAt! - sent!.timestamp).toBeGreaterThan(30_000);
    const after = await wallet(trader.apiKey);
    expect([after.cash.held, after.cash.available]).toEqual([before.cash.held, before.cash.available]);
  });
});

describe('an order recorded before a halt and sent after it', () => {
  it('is rejected by the engine as trading_halted, and its hold goes back', async () => {
    const admin = await newAdmin(api);
    const trader = await newTrader(api, 'halted-in-flight');
    const before = await wallet(trader.apiKey);
    const orderId = await recordOnly(trader.accountId, 'PETR4', limitBuy(3600, 10));
    // Its sender is slow: the re-sender's copy goes out only once the halt has been published.
    await api.app
      .get(SqlPool)
      .query(`UPDATE orders SET created_at = created_at + interval '1 second' WHERE id = $1`, [orderId]);
    const halt = await api.request('POST', '/api/admin/markets/PETR4/halt', {
      token: admin.apiKey,
      body: { reason: 'halted while an order is in flight' },
    });
    expect(halt.status).toBe(200);
    try {
      const rejected = await until(async () => {
        const view = await order(trader.apiKey, orderId);
        return view.status === 'rejected' && view;
      });
      expect(rejected.statusReason).toBe('trading_halted');
      expect(sentFor(orderId).length).toBeGreaterThanOrEqual(1);
      const after = await wallet(trader.apiKey);
      expect([after.cash.held, after.cash.available]).toEqual([before.cash.held, before.cash.available]);
    } finally {
      const resumed = await api.request('POST', '/api/admin/markets/PETR4/resume', { token: admin.apiKey });
      expect(resumed.status).toBe(200);
    }
    // Resumed in the engine too: a new order rests.
    await placeOpen(trader.apiKey, {
      symbol: 'PETR4',
      side: 'buy',
      type: 'limit',
      price: '36.00',
      quantity: '1',
    });
  });
});

describe('a placement refused after its order already moved on', () => {
  it('changes neither the order nor its hold, even within one batch', async () => {
    const buyer = await newTrader(api, 'late');
    const before = await wallet(buyer.apiKey);
    const orderId = await recordOnly(buyer.accountId, 'ABEV3', limitBuy(1100, 10));
    const envelope = {
      schemaVersion: 1 as const,
      symbol: 'ABEV3',
      commandId: randomUUID(),
      traceId: randomUUID().replaceAll('-', ''),
      timestamp: Date.now(),
    };
    const identity = { orderId, accountId: buyer.accountId, clientOrderId: null };
    // Accepted and cancelled long ago, then a stale copy of the placement refused, all in one batch.
    const events: EngineEvent[] = [
      {
        ...envelope,
        ...identity,
        sequence: 1_000_001,
        type: 'order_accepted',
        side: 'buy',
        orderType: 'limit',
        timeInForce: 'GTC',
        price: 1100,
        stopPrice: null,
        trailingOffset: null,
        quantity: 10,
        postOnly: false,
        selfTradePrevention: 'cancel_newest',
      },
      {
        ...envelope,
        ...identity,
        sequence: 1_000_002,
        type: 'order_cancelled',
        reason: 'requested',
        filledQuantity: 0,
        cancelledQuantity: 10,
      },
      {
        ...envelope,
        ...identity,
        sequence: 1_000_003,
        type: 'order_rejected',
        commandType: 'place_order',
        reason: 'stale_command',
        message: 'too late',
      },
    ];
    await api.app.get(EventIngestion).ingest(events);
    expect(await order(buyer.apiKey, orderId)).toMatchObject({ status: 'cancelled', statusReason: 'requested' });
    expect((await wallet(buyer.apiKey)).cash).toEqual(before.cash);
  });
});

/** Amends through another API process, one that cannot reach Kafka: it records the amend and answers 503. */
async function amendThroughCutApi(
  token: string,
  orderId: string,
  body: Record<string, string>,
  sendWaitMs: number,
): Promise<number> {
  const cut = await startSiblingApi(api, {
    KAFKA_BROKERS: '127.0.0.1:1',
    EVENTS_CONSUMER: 'off',
    COMMAND_SEND_WAIT_MS: String(sendWaitMs),
  });
  try {
    const response = await fetch(`${cut.url}/api/orders/${orderId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return response.status;
  } finally {
    await cut.stop();
  }
}

describe('an amend whose send failed', () => {
  it('is withdrawn once its answer is overdue: refused, its hold back, and a copy of it coming late changes nothing', async () => {
    const trader = await newTrader(api, 'amend-unsent');
    const buy = await placeOpen(trader.apiKey, {
      symbol: 'BBDC4',
      side: 'buy',
      type: 'limit',
      price: '14.00',
      quantity: '100',
    });
    const heldBefore = (await wallet(trader.apiKey)).cash.held;

    // Another API process, which cannot reach Kafka, records the amend (holding 100 × 14.50) and answers 503.
    expect(await amendThroughCutApi(trader.apiKey, buy.orderId, { price: '14.50' }, 300)).toBe(503);
    expect(Number((await wallet(trader.apiKey)).cash.held)).toBeGreaterThan(Number(heldBefore));
    expect(await order(trader.apiKey, buy.orderId)).toMatchObject({ price: '14.00', amendPending: true });

    // This process withdraws amend 1; the engine never had it, so it refuses it, and the hold goes back.
    await until(async () => (await wallet(trader.apiKey)).cash.held === heldBefore);
    const { rows } = await api.app
      .get(SqlPool)
      .query<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM engine_events WHERE order_id = $1 AND type = 'order_rejected'`,
        [buy.orderId],
      );
    expect(rows.map((row) => row.payload)).toMatchObject([
      { commandType: 'amend_order', reason: 'stale_command', amendNumber: 1 },
    ]);
    const sent = amends.filter((command) => command.type === 'amend_order' && command.orderId === buy.orderId);
    expect(sent[0]).toMatchObject({ amendNumber: 1, withdraw: true, price: null, quantity: null });
    expect(await order(trader.apiKey, buy.orderId)).toMatchObject({
      status: 'open',
      price: '14.00',
      amendPending: false,
    });

    // The amend itself arriving after all (a send that timed out may still land): the engine has had number 1.
    const target = {
      orderId: buy.orderId,
      accountId: trader.accountId,
      symbol: 'BBDC4',
      clientOrderId: null,
      traceId: randomUUID().replaceAll('-', ''),
    };
    const terms = { price: 1450, quantity: null, stopPrice: null, trailingOffset: null, expiresOn: null };
    await api.app.get(CommandPublisher).publish(amendCommand(target, terms, 1));
    // The next amend is number 2, and the engine takes it after ignoring the late copy.
    const next = await api.request('PATCH', `/api/orders/${buy.orderId}`, {
      token: trader.apiKey,
      body: { price: '14.20' },
    });
    expect(next.status).toBe(202);
    await until(async () => (await order(trader.apiKey, buy.orderId)).price === '14.20');
    expect(await storedEvents(buy.orderId)).toEqual(['order_accepted', 'order_rejected', 'order_updated']);
    const { rows: counts } = await api.app
      .get(SqlPool)
      .query('SELECT amends_sent, amends_answered FROM orders WHERE id = $1', [buy.orderId]);
    expect(counts).toEqual([{ amends_sent: 2, amends_answered: 2 }]);
    expect((await api.app.get(ApiMetrics).amendsWithdrawn.get()).values[0]?.value).toBeGreaterThanOrEqual(1);
  });
});

describe('an amend whose send failed, of an order that ends before it is withdrawn', () => {
  it('does not show as on its way once the order has ended', async () => {
    const trader = await newTrader(api, 'amend-unsent-ended');
    const buy = await placeOpen(trader.apiKey, {
      symbol: 'BBDC4',
      side: 'buy',
      type: 'limit',
      price: '13.00',
      quantity: '10',
    });
    expect(await amendThroughCutApi(trader.apiKey, buy.orderId, { price: '13.50' }, 50)).toBe(503);
    // Cancelled at once, most often before the re-sender looks (it withdraws amends of live orders only).
    expect((await api.request('DELETE', `/api/orders/${buy.orderId}`, { token: trader.apiKey })).status).toBe(202);
    await until(async () => (await order(trader.apiKey, buy.orderId)).status === 'cancelled');
    expect(await order(trader.apiKey, buy.orderId)).toMatchObject({ status: 'cancelled', amendPending: false });
    const { rows } = await api.app
      .get(SqlPool)
      .query('SELECT amends_sent, amends_answered, hold_amount FROM orders WHERE id = $1', [buy.orderId]);
    expect(rows).toEqual([{ amends_sent: 1, amends_answered: 1, hold_amount: '0' }]);
  });
});

describe('a suspension whose cancels did not get through', () => {
  it('has its account’s live orders cancelled again, with its reason, and no one else’s', async () => {
    const suspended = await newTrader(api, 'resend-suspended');
    const other = await newTrader(api, 'resend-not-suspended');
    // Not ABEV3: a test above stored events of it far ahead of what its engine book will number.
    const body = { symbol: 'VALE3', side: 'buy', type: 'limit', price: '50.00', quantity: '3' };
    const stranded = await place(suspended.apiKey, body);
    const untouched = await place(other.apiKey, body);
    await until(async () => (await order(suspended.apiKey, stranded.orderId)).status === 'open');
    await until(async () => (await order(other.apiKey, untouched.orderId)).status === 'open');
    // Suspended behind the API's back, as if the suspension's own cancels had been refused by Kafka.
    await api.app
      .get(SqlPool)
      .query(`UPDATE accounts SET suspended_at = LOCALTIMESTAMP, suspension_reason = 'lost cancels' WHERE id = $1`, [
        suspended.accountId,
      ]);
    await until(async () => (await order(suspended.apiKey, stranded.orderId)).status === 'cancelled');
    expect((await order(suspended.apiKey, stranded.orderId)).statusReason).toBe('account_suspended');
    expect((await order(other.apiKey, untouched.orderId)).status).toBe('open');
    expect((await api.app.get(ApiMetrics).suspendedOrdersCancelled.get()).values[0]?.value).toBe(1);
  });
});
