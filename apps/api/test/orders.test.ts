import { createServer, type AddressInfo, type Socket } from 'node:net';
import { ApiErrorBody, namesAnOrder, OrderView, WalletView, type OrderCommand } from '@bolsa/contracts';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/database/prisma.service.js';
import { ApiMetrics } from '../src/observability/metrics.js';
import { newTrader, startTestApi, type TestApi, watchCommands } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;
let consumer: Consumer;
const published: { command: OrderCommand; key: string; traceHeader: string }[] = [];

beforeAll(async () => {
  api = await startTestApi();
  consumer = await watchCommands(api, 'command-watch', (command, message) =>
    published.push({ command, key: message.key!.toString(), traceHeader: message.headers!['trace-id']!.toString() }),
  );
});

afterAll(async () => {
  await consumer.disconnect();
  await api.stop();
});

async function commandsFor(orderId: string, count: number): Promise<OrderCommand[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = published.filter((entry) => namesAnOrder(entry.command) && entry.command.orderId === orderId);
    if (found.length >= count || Date.now() > deadline) return found.map((entry) => entry.command);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const limitBuy = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '35.12', quantity: '100' };
const code = (body: unknown) => ApiErrorBody.parse(body).code;
const fields = (body: unknown) => ApiErrorBody.parse(body).details.fields?.map((field) => field.field) ?? [];
const message = (body: unknown) => ApiErrorBody.parse(body).message;

describe('placing orders', () => {
  it('records the order as pending, answers 202, and sends the engine a place command keyed by symbol', async () => {
    const trader = await newTrader(api);
    const response = await api.request('POST', '/api/orders', {
      token: trader.apiKey,
      body: { ...limitBuy, clientOrderId: 'my-1' },
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(response.status).toBe(202);
    const order = OrderView.parse(response.body);
    expect(order).toMatchObject({
      status: 'pending',
      price: '35.12',
      quantity: '100',
      filledQuantity: '0',
      clientOrderId: 'my-1',
    });
    expect(response.headers['x-trace-id']).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const [command] = await commandsFor(order.orderId, 1);
    expect(command).toMatchObject({
      type: 'place_order',
      symbol: 'PETR4',
      accountId: trader.accountId,
      price: 3512,
      quantity: 100,
      timeInForce: 'GTC',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
    const entry = published.find((e) => e.command.commandId === command!.commandId)!;
    expect(entry.key).toBe('PETR4');
    expect(entry.traceHeader).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const read = await api.request('GET', `/api/orders/${order.orderId}`, { token: trader.apiKey });
    expect(OrderView.parse(read.body)).toEqual(order);
    const metrics = await api.metrics();
    expect(metrics).toMatch(/api_orders_accepted_total\{symbol="PETR4"\} [1-9]/);
    // What the POST waited for, per accepted order, and the sends that carried the commands.
    expect(metrics).toMatch(/api_order_entry_step_seconds_count\{step="recording"\} [1-9]/);
    expect(metrics).toMatch(/api_order_entry_step_seconds_count\{step="publishing"\} [1-9]/);
    expect(metrics).toMatch(/api_command_send_duration_seconds_count [1-9]/);
    expect(metrics).toMatch(/api_commands_sent_total\{type="place_order"\} [1-9]/);
  });

  it('names orders with time-ordered ids (UUIDv7), each after the one placed before', async () => {
    const trader = await newTrader(api, 'uuidv7');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await api.request('POST', '/api/orders', { token: trader.apiKey, body: limitBuy });
      ids.push(OrderView.parse(response.body).orderId);
    }
    for (const id of ids) expect(id[14], id).toBe('7');
    expect([...ids].sort()).toEqual(ids);
  });

  it('returns the same order for a repeated Idempotency-Key and body, and refuses another body under it', async () => {
    const trader = await newTrader(api);
    const headers = { 'idempotency-key': 'retry-42' };
    const first = await api.request('POST', '/api/orders', { token: trader.apiKey, body: limitBuy, headers });
    const again = await api.request('POST', '/api/orders', {
      token: trader.apiKey,
      body: { quantity: '100', price: '35.12', type: 'limit', side: 'buy', symbol: 'PETR4' },
      headers,
    });
    expect(again.status).toBe(202);
    expect(OrderView.parse(again.body).orderId).toBe(OrderView.parse(first.body).orderId);
    const other = await api.request('POST', '/api/orders', {
      token: trader.apiKey,
      body: { ...limitBuy, quantity: '5' },
      headers,
    });
    expect(other.status).toBe(409);
    expect(code(other.body)).toBe('idempotency_conflict');
    const someoneElse = await newTrader(api);
    const theirs = await api.request('POST', '/api/orders', { token: someoneElse.apiKey, body: limitBuy, headers });
    expect(OrderView.parse(theirs.body).orderId).not.toBe(OrderView.parse(first.body).orderId);
    expect(await commandsFor(OrderView.parse(first.body).orderId, 1)).toHaveLength(1);
    // Give a second command (which must not exist) the time the first one took, then count again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const firstId = OrderView.parse(first.body).orderId;
    expect(published.filter((e) => e.command.type === 'place_order' && e.command.orderId === firstId)).toHaveLength(1);
  });

  it.each([
    [{ ...limitBuy, price: '35.123' }, 400, 'validation_failed', 'price'],
    [{ ...limitBuy, price: '2000.00' }, 400, 'validation_failed', 'price'],
    [{ ...limitBuy, quantity: '1e2' }, 400, 'validation_failed', 'quantity'],
    [{ ...limitBuy, quantity: '-1' }, 400, 'validation_failed', 'quantity'],
    [{ ...limitBuy, type: 'market' }, 400, 'validation_failed', 'price'],
    [{ ...limitBuy, side: 'short' }, 400, 'validation_failed', 'side'],
    [{ symbol: 'PETR4', side: 'buy', type: 'limit', price: '35.12' }, 400, 'validation_failed', 'quantity'],
    [{ ...limitBuy, symbol: 'XPTO3' }, 404, 'unknown_symbol', 'symbol'],
    [{ ...limitBuy, leverage: 10 }, 400, 'validation_failed', 'leverage'],
  ])('refuses %j with %i %s naming %s', async (body, status, errorCode, field) => {
    const trader = await newTrader(api);
    const response = await api.request('POST', '/api/orders', { token: trader.apiKey, body });
    expect(response.status).toBe(status);
    expect(code(response.body)).toBe(errorCode);
    expect(fields(response.body)).toContain(field);
    const metrics = await api.metrics();
    expect(metrics).toMatch(new RegExp(`api_orders_rejected_total\\{reason="${errorCode}"\\} [1-9]`));
  });

  it('gives a clientOrderId to one open order of the account at a time, and finds the order by it', async () => {
    const trader = await newTrader(api);
    const post = (clientOrderId: string, headers: Record<string, string> = {}, price = '35.12') =>
      api.request('POST', '/api/orders', {
        token: trader.apiKey,
        body: { ...limitBuy, price, quantity: '1', clientOrderId },
        headers,
      });
    const first = OrderView.parse((await post('stop-loss-7', { 'idempotency-key': 'k-7' })).body);
    // The same request again under its Idempotency-Key is a repeat, not a conflict.
    expect(OrderView.parse((await post('stop-loss-7', { 'idempotency-key': 'k-7' })).body).orderId).toBe(first.orderId);
    const held = WalletView.parse((await api.request('GET', '/api/me/wallet', { token: trader.apiKey })).body).cash;
    for (const headers of [{}, { 'idempotency-key': 'k-8' }]) {
      const taken = await post('stop-loss-7', headers, '35.00');
      expect(taken.status).toBe(409);
      const body = ApiErrorBody.parse(taken.body);
      expect(body.code).toBe('duplicate_client_order_id');
      expect(body.details).toMatchObject({ orderId: first.orderId, fields: [{ field: 'clientOrderId' }] });
    }
    // Nothing was held for the refused ones.
    expect(WalletView.parse((await api.request('GET', '/api/me/wallet', { token: trader.apiKey })).body).cash).toEqual(
      held,
    );
    // Another account has its own ids.
    const other = await newTrader(api);
    const theirs = await api.request('POST', '/api/orders', {
      token: other.apiKey,
      body: { ...limitBuy, quantity: '1', clientOrderId: 'stop-loss-7' },
    });
    expect(theirs.status).toBe(202);
    // Found by it, in both lists.
    const found = await api.request('GET', '/api/orders?clientOrderId=stop-loss-7', { token: trader.apiKey });
    expect((found.body as OrderView[]).map((order) => order.orderId)).toEqual([first.orderId]);
    const page = await api.request('GET', '/api/me/orders?clientOrderId=stop-loss-7', { token: trader.apiKey });
    expect((page.body as { items: OrderView[] }).items.map((order) => order.orderId)).toEqual([first.orderId]);
    const bad = await api.request('GET', '/api/orders?clientOrderId=no%20spaces', { token: trader.apiKey });
    expect([bad.status, fields(bad.body)]).toEqual([400, ['clientOrderId']]);
    // Two placements racing for a fresh id: one gets it.
    const raced = await Promise.all([post('race-1'), post('race-1', {}, '35.00')]);
    expect(raced.map((response) => response.status).sort()).toEqual([202, 409]);
    // Once the order is done (as the engine's events would leave it), the id is free again.
    await api.app.get(PrismaService).order.update({ where: { id: first.orderId }, data: { status: 'cancelled' } });
    const again = await post('stop-loss-7', {}, '35.00');
    expect(again.status).toBe(202);
    expect(OrderView.parse(again.body).orderId).not.toBe(first.orderId);
  });

  it('refuses a malformed body, a bad Idempotency-Key, and callers without a valid key', async () => {
    const trader = await newTrader(api);
    const malformed = await api.request('POST', '/api/orders', { token: trader.apiKey, raw: '{"symbol":' });
    expect([malformed.status, code(malformed.body)]).toEqual([400, 'malformed_json']);
    const badKey = await api.request('POST', '/api/orders', {
      token: trader.apiKey,
      body: limitBuy,
      headers: { 'idempotency-key': 'has space' },
    });
    expect(fields(badKey.body)).toContain('Idempotency-Key');
    for (const [method, url] of [
      ['POST', '/api/orders'],
      ['GET', '/api/orders'],
      ['GET', '/api/orders/00000000-0000-4000-8000-000000000000'],
      ['DELETE', '/api/orders/00000000-0000-4000-8000-000000000000'],
      ['PATCH', '/api/orders/00000000-0000-4000-8000-000000000000'],
    ] as const) {
      const response = await api.request(method, url, { body: limitBuy });
      expect([url, response.status, code(response.body)]).toEqual([url, 401, 'unauthorized']);
    }
  });
});

describe('one trader cannot see or touch another one’s order', () => {
  it('answers 404 to get, cancel and amend', async () => {
    const owner = await newTrader(api);
    const stranger = await newTrader(api);
    const order = OrderView.parse(
      (await api.request('POST', '/api/orders', { token: owner.apiKey, body: limitBuy })).body,
    );
    for (const [method, body] of [
      ['GET', undefined],
      ['DELETE', undefined],
      ['PATCH', { price: '35.00' }],
    ] as const) {
      const response = await api.request(method, `/api/orders/${order.orderId}`, { token: stranger.apiKey, body });
      expect([method, response.status, code(response.body)]).toEqual([method, 404, 'not_found']);
    }
    expect((await api.request('GET', '/api/orders', { token: stranger.apiKey })).body).toEqual([]);
  });

  it('answers 404 to ids that cannot name an order, the database never seeing them', async () => {
    const trader = await newTrader(api);
    for (const id of [
      '42',
      '-'.repeat(36),
      'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
      '00000000-0000-4000-8000-000000000000',
    ]) {
      const response = await api.request('GET', `/api/orders/${id}`, { token: trader.apiKey });
      expect([id, response.status, code(response.body)]).toEqual([id, 404, 'not_found']);
    }
  });
});

describe('cancel and amend', () => {
  it('send commands for open orders, refuse closed ones, and check amended prices and quantities', async () => {
    const trader = await newTrader(api);
    const order = OrderView.parse(
      (await api.request('POST', '/api/orders', { token: trader.apiKey, body: limitBuy })).body,
    );
    const amended = await api.request('PATCH', `/api/orders/${order.orderId}`, {
      token: trader.apiKey,
      body: { price: '35.20', quantity: '50' },
    });
    expect(amended.status).toBe(202);
    const badAmend = await api.request('PATCH', `/api/orders/${order.orderId}`, {
      token: trader.apiKey,
      body: { price: '35.205' },
    });
    expect([badAmend.status, fields(badAmend.body)]).toEqual([400, ['price']]);
    const outOfBand = await api.request('PATCH', `/api/orders/${order.orderId}`, {
      token: trader.apiKey,
      body: { price: '5000.00' },
    });
    expect([outOfBand.status, message(outOfBand.body)]).toEqual([
      400,
      'price must be within the price band 1.00 to 1000.00',
    ]);
    const emptyAmend = await api.request('PATCH', `/api/orders/${order.orderId}`, { token: trader.apiKey, body: {} });
    expect([emptyAmend.status, fields(emptyAmend.body), message(emptyAmend.body)]).toEqual([
      400,
      ['body'],
      'body must set at least one of price, quantity, stopPrice, trailingOffset or expiresOn',
    ]);
    const cancelled = await api.request('DELETE', `/api/orders/${order.orderId}`, { token: trader.apiKey });
    expect(cancelled.status).toBe(202);
    const commands = await commandsFor(order.orderId, 3);
    expect(commands.map((command) => command.type)).toEqual(['place_order', 'amend_order', 'cancel_order']);
    expect(commands[1]).toMatchObject({ price: 3520, quantity: 50 });

    await api.app.get(PrismaService).order.update({ where: { id: order.orderId }, data: { status: 'filled' } });
    const late = await api.request('DELETE', `/api/orders/${order.orderId}`, { token: trader.apiKey });
    expect([late.status, code(late.body)]).toEqual([409, 'order_not_open']);
  });

  it('refuse an amend that asks for what the order has, and take one once another amend is on its way', async () => {
    const trader = await newTrader(api);
    const order = OrderView.parse(
      (await api.request('POST', '/api/orders', { token: trader.apiKey, body: limitBuy })).body,
    );
    const amend = (body: object) =>
      api.request('PATCH', `/api/orders/${order.orderId}`, { token: trader.apiKey, body });
    const samePrice = await amend({ price: '35.12' });
    expect([samePrice.status, code(samePrice.body), fields(samePrice.body)]).toEqual([
      400,
      'validation_failed',
      ['price'],
    ]);
    expect(ApiErrorBody.parse(samePrice.body).details.fields?.[0]?.code).toBe('unchanged');
    const sameBoth = await amend({ price: '35.120', quantity: '100' });
    expect([sameBoth.status, fields(sameBoth.body)]).toEqual([400, ['price', 'quantity']]);
    const taken = await amend({ price: '35.20' });
    // The answer shows the order as it stands, with the amend on its way.
    expect([taken.status, OrderView.parse(taken.body)]).toMatchObject([202, { price: '35.12', amendPending: true }]);
    // No engine runs here, so the first amend stays on its way: the row's 35.12 may no longer be the order's.
    expect((await amend({ price: '35.12' })).status).toBe(202);
    const commands = await commandsFor(order.orderId, 3);
    const terms = (command: (typeof commands)[number]) =>
      command.type === 'amend_order' ? [command.type, command.price, command.amendNumber] : [command.type];
    expect(commands.map(terms)).toEqual([['place_order'], ['amend_order', 3520, 1], ['amend_order', 3512, 2]]);
  });

  it("cancels all of the caller's open orders, or one symbol's, and nobody else's", async () => {
    const trader = await newTrader(api);
    const other = await newTrader(api);
    const place = async (token: string, body: object) =>
      OrderView.parse((await api.request('POST', '/api/orders', { token, body })).body);
    const petr4 = [await place(trader.apiKey, limitBuy), await place(trader.apiKey, limitBuy)];
    const vale3 = await place(trader.apiKey, { ...limitBuy, symbol: 'VALE3', price: '60.00' });
    const done = await place(trader.apiKey, limitBuy);
    await api.app.get(PrismaService).order.update({ where: { id: done.orderId }, data: { status: 'filled' } });
    const theirs = await place(other.apiKey, limitBuy);

    const ids = (body: unknown) =>
      new Set(
        OrderView.array()
          .parse(body)
          .map((order) => order.orderId),
      );
    const one = await api.request('DELETE', '/api/orders?symbol=PETR4', { token: trader.apiKey });
    expect(one.status).toBe(202);
    expect(ids(one.body)).toEqual(new Set(petr4.map((order) => order.orderId)));
    const rest = await api.request('DELETE', '/api/orders', { token: trader.apiKey });
    expect(ids(rest.body)).toEqual(new Set([vale3.orderId, ...petr4.map((order) => order.orderId)]));
    for (const order of [...petr4, vale3]) {
      expect((await commandsFor(order.orderId, 2)).map((command) => command.type)).toContain('cancel_order');
    }
    for (const order of [done, theirs]) {
      expect((await commandsFor(order.orderId, 1)).map((command) => command.type)).toEqual(['place_order']);
    }
    const unknown = await api.request('DELETE', '/api/orders?symbol=NOPE3', { token: trader.apiKey });
    expect([unknown.status, code(unknown.body), fields(unknown.body)]).toEqual([404, 'unknown_symbol', ['symbol']]);
    expect((await api.request('DELETE', '/api/orders')).status).toBe(401);
  });

  it('lists open and done orders, and refuses an unknown filter', async () => {
    const trader = await newTrader(api);
    const a = OrderView.parse(
      (await api.request('POST', '/api/orders', { token: trader.apiKey, body: limitBuy })).body,
    );
    const b = OrderView.parse(
      (await api.request('POST', '/api/orders', { token: trader.apiKey, body: limitBuy })).body,
    );
    await api.app.get(PrismaService).order.update({ where: { id: a.orderId }, data: { status: 'cancelled' } });
    const open = await api.request('GET', '/api/orders?status=open', { token: trader.apiKey });
    const done = await api.request('GET', '/api/orders?status=done', { token: trader.apiKey });
    expect(
      OrderView.array()
        .parse(open.body)
        .map((o) => o.orderId),
    ).toEqual([b.orderId]);
    expect(
      OrderView.array()
        .parse(done.body)
        .map((o) => o.orderId),
    ).toEqual([a.orderId]);
    const bad = await api.request('GET', '/api/orders?status=maybe', { token: trader.apiKey });
    expect([bad.status, fields(bad.body)]).toEqual([400, ['status']]);
  });
});

describe('when the exchange cannot be reached', () => {
  it('answers within COMMAND_SEND_WAIT_MS when the broker takes connections and never replies', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const cut = await startTestApi({ KAFKA_BROKERS: `127.0.0.1:${port}`, COMMAND_SEND_WAIT_MS: '300' });
    try {
      const trader = await newTrader(cut);
      // Without the bound, kafkajs would hold each request through its retries of a 30 s request timeout.
      const response = await cut.request('POST', '/api/orders', { token: trader.apiKey, body: limitBuy });
      expect(response.status).toBe(202);
      const placed = OrderView.parse(response.body);
      expect(placed.status).toBe('pending');
      const cancel = await cut.request('DELETE', `/api/orders/${placed.orderId}`, { token: trader.apiKey });
      expect([cancel.status, code(cancel.body)]).toEqual([503, 'unavailable']);
      expect(ApiErrorBody.parse(cancel.body).message).toMatch(/in time/);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await cut.stop();
    }
  });

  it('accepts the order and keeps it pending with its hold for the re-sender; a cancel answers 503', async () => {
    const cut = await startTestApi({ KAFKA_BROKERS: '127.0.0.1:1' });
    try {
      const trader = await newTrader(cut);
      const response = await cut.request('POST', '/api/orders', { token: trader.apiKey, body: limitBuy });
      expect(response.status).toBe(202);
      const placed = OrderView.parse(response.body);
      const stored = OrderView.parse(
        (await cut.request('GET', `/api/orders/${placed.orderId}`, { token: trader.apiKey })).body,
      );
      expect(stored).toMatchObject({ status: 'pending', statusReason: null });
      const wallet = WalletView.parse((await cut.request('GET', '/api/me/wallet', { token: trader.apiKey })).body);
      // 100 × 35.12 and the fee allowance stay held: the send may have landed.
      expect(Number(wallet.cash.held)).toBeGreaterThanOrEqual(3512);
      expect((await cut.app.get(ApiMetrics).ordersUnsent.get()).values[0]?.value).toBe(1);
      const cancel = await cut.request('DELETE', `/api/orders/${placed.orderId}`, { token: trader.apiKey });
      expect([cancel.status, code(cancel.body)]).toEqual([503, 'unavailable']);
    } finally {
      await cut.stop();
    }
  });
});
