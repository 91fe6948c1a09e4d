import { Writable } from 'node:stream';
import type { LedgerEntryView } from '@bolsa/contracts';
import { ApiErrorBody, MonthlyTradesView, MyTradeView, OrderView, WalletView } from '@bolsa/contracts';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlPool } from '../src/database/sql-pool.js';
import { startInTestEngine } from './engine-in-test.js';
import { newTrader, readStream, startTestApi, type TestApi, until, watchCommands } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;
let base: string;
let engine: { stop(): Promise<void> };
let watcher: Consumer;
const logLines: Array<Record<string, unknown>> = [];
const commandTraces = new Map<string, string>();

beforeAll(async () => {
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logLines.push(JSON.parse(line));
      done();
    },
  });
  api = await startTestApi({ LOG_LEVEL: 'debug' }, { logDestination: logs });
  base = await api.listen();
  engine = await startInTestEngine(api.broker.bootstrap);
  watcher = await watchCommands(api, 'trace-watch', (command, message) => {
    if (command.type === 'place_order') commandTraces.set(command.orderId, message.headers!['trace-id']!.toString());
  });
});

afterAll(async () => {
  await watcher.disconnect();
  await engine.stop();
  await api.stop();
});

type Trader = Awaited<ReturnType<typeof newTrader>>;

async function place(trader: Trader, body: Record<string, string>, traceparent?: string) {
  const response = await api.request('POST', '/api/orders', {
    token: trader.apiKey,
    body,
    ...(traceparent === undefined ? {} : { headers: { traceparent } }),
  });
  return OrderView.parse(response.body);
}

async function filled(trader: Trader, orderId: string) {
  await until(async () => {
    const order = OrderView.parse((await api.request('GET', `/api/orders/${orderId}`, { token: trader.apiKey })).body);
    return order.status === 'filled';
  });
}

describe('one trace id from the HTTP request to the ledger', () => {
  it('appears in the Kafka headers, the engine events, every table and every log line', async () => {
    const seller = await newTrader(api, 'trace-seller');
    const buyer = await newTrader(api, 'trace-buyer');
    const sell = await place(seller, { symbol: 'ITUB4', side: 'sell', type: 'limit', price: '33.00', quantity: '4' });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const buy = await place(
      buyer,
      { symbol: 'ITUB4', side: 'buy', type: 'limit', price: '33.00', quantity: '4' },
      `00-${traceId}-b7ad6b7169203331-01`,
    );
    await filled(buyer, buy.orderId);
    await until(async () => commandTraces.get(buy.orderId));
    expect(commandTraces.get(buy.orderId)).toBe(traceId);

    const sql = api.app.get(SqlPool);
    const order = await sql.query('SELECT trace_id FROM orders WHERE id = $1', [buy.orderId]);
    expect(order.rows[0].trace_id).toBe(traceId);
    const events = await sql.query('SELECT DISTINCT trace_id FROM engine_events WHERE order_id = $1', [buy.orderId]);
    expect(events.rows.map((row) => row.trace_id)).toEqual([traceId]);
    const trade = await sql.query('SELECT trace_id FROM trades WHERE taker_order_id = $1', [buy.orderId]);
    expect(trade.rows[0].trace_id).toBe(traceId);
    // The seller's ledger entries for the trade name the request that caused it: the buyer's.
    await until(async () => {
      const { rows } = await sql.query('SELECT count(*)::int AS n FROM ledger_entries WHERE order_id = $1', [
        sell.orderId,
      ]);
      return rows[0].n >= 3;
    });
    const ledger = await sql.query(
      'SELECT DISTINCT trace_id FROM ledger_entries WHERE order_id = $1 OR (order_id = $2 AND trade_id IS NOT NULL)',
      [buy.orderId, sell.orderId],
    );
    expect(ledger.rows.map((row) => row.trace_id)).toEqual([traceId]);

    await until(async () => logLines.some((line) => line['msg'] === 'event stored' && line['traceId'] === traceId));
    const traced = logLines.filter((line) => line['traceId'] === traceId).map((line) => line['msg']);
    expect(new Set(traced)).toEqual(new Set(['request', 'command published', 'event stored']));
    const untraced = logLines.filter(
      (line) => ['request', 'command published', 'event stored'].includes(String(line['msg'])) && !line['traceId'],
    );
    expect(untraced).toEqual([]);
  });
});

describe('a trader’s history', () => {
  it('pages through orders and trades with cursors and filters, and exports trades as CSV', async () => {
    const seller = await newTrader(api, 'history-seller');
    const buyer = await newTrader(api, 'history-buyer');
    const sells: OrderView[] = [];
    for (let i = 0; i < 5; i++) {
      sells.push(
        await place(seller, { symbol: 'VALE3', side: 'sell', type: 'limit', price: `6${i}.00`, quantity: '2' }),
      );
    }
    const buy = await place(buyer, { symbol: 'VALE3', side: 'buy', type: 'limit', price: '64.00', quantity: '10' });
    await filled(buyer, buy.orderId);
    await place(seller, { symbol: 'PETR4', side: 'sell', type: 'limit', price: '99.00', quantity: '1' });

    const orderIds: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/me/orders?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = (await api.request('GET', query, { token: seller.apiKey })).body as {
        items: OrderView[];
        nextCursor: string | null;
      };
      orderIds.push(...page.items.map((item) => item.orderId));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(orderIds).toHaveLength(6);
    expect(new Set(orderIds).size).toBe(6);
    const vale = await api.request('GET', '/api/me/orders?symbol=VALE3&status=done', { token: seller.apiKey });
    expect((vale.body as { items: OrderView[] }).items).toHaveLength(5);
    const open = await api.request('GET', '/api/me/orders?status=open', { token: seller.apiKey });
    expect((open.body as { items: OrderView[] }).items.map((o) => o.symbol)).toEqual(['PETR4']);

    await until(async () => {
      const page = (await api.request('GET', '/api/me/trades', { token: buyer.apiKey })).body as { items: unknown[] };
      return page.items.length === 5;
    });
    const first = (await api.request('GET', '/api/me/trades?limit=3', { token: buyer.apiKey })).body as {
      items: MyTradeView[];
      nextCursor: string;
    };
    const rest = (
      await api.request('GET', `/api/me/trades?limit=3&cursor=${first.nextCursor}`, { token: buyer.apiKey })
    ).body as { items: MyTradeView[]; nextCursor: string | null };
    const trades = [...first.items, ...rest.items].map((t) => MyTradeView.parse(t));
    expect(trades).toHaveLength(5);
    expect(rest.nextCursor).toBeNull();
    expect(trades.every((t) => t.side === 'buy' && t.role === 'taker' && t.orderId === buy.orderId)).toBe(true);
    expect(trades.map((t) => t.price).sort()).toEqual(['60.00', '61.00', '62.00', '63.00', '64.00']);

    const csv = await fetch(`${base}/api/me/trades?format=csv&symbol=VALE3`, {
      headers: { authorization: `Bearer ${buyer.apiKey}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('trade_id,executed_at,symbol,side,role,quantity,price,notional,fee,order_id,realized_profit');
    expect(lines).toHaveLength(6);
    // 2 × 60.00 = 120.00; taker fee 3 bps = 0.036, rounded down
    expect(lines.find((line) => line.includes(',60.00,'))).toMatch(/,VALE3,buy,taker,2,60\.00,120\.00,0\.03,/);

    // A purchase has no result; each sale has one: the seller's 1,000 granted VALE3 cost 62.00 each, so 2 shares
    // sold at 60.00 with a 0.02 maker fee made 120.00 - 0.02 - 124.00.
    expect(trades.every((t) => t.realizedProfit === null)).toBe(true);
    const sales = (await api.request('GET', '/api/me/trades?symbol=VALE3', { token: seller.apiKey })).body as {
      items: MyTradeView[];
    };
    expect(Object.fromEntries(sales.items.map((t) => [t.price, t.realizedProfit]))).toEqual({
      '60.00': '-4.02',
      '61.00': '-2.02',
      '62.00': '-0.02',
      '63.00': '1.98',
      '64.00': '3.98',
    });
    // One order's fills: the seller's sell at 62.00 filled once; the buyer's buy five times. Another account's
    // order finds none of its trades.
    const fillsOf = async (trader: Trader, orderId: string) =>
      (
        (await api.request('GET', `/api/me/trades?orderId=${orderId}`, { token: trader.apiKey })).body as {
          items: MyTradeView[];
        }
      ).items;
    expect((await fillsOf(seller, sells[2]!.orderId)).map((t) => [t.orderId, t.price, t.quantity])).toEqual([
      [sells[2]!.orderId, '62.00', '2'],
    ]);
    expect(await fillsOf(buyer, buy.orderId)).toHaveLength(5);
    expect(await fillsOf(seller, buy.orderId)).toEqual([]);
    // What the fills are worth and their average price, on the order itself: 2 × (60 + … + 64) = 620.00 for the
    // buy, taker of all five; 2 × 62 for the sell maker of one; nothing yet for the PETR4 sell still open.
    const order = async (trader: Trader, orderId: string) =>
      OrderView.parse((await api.request('GET', `/api/orders/${orderId}`, { token: trader.apiKey })).body);
    expect(await order(buyer, buy.orderId)).toMatchObject({ filledValue: '620.00', averagePrice: '62.00' });
    expect(await order(seller, sells[2]!.orderId)).toMatchObject({ filledValue: '124.00', averagePrice: '62.00' });
    expect((open.body as { items: OrderView[] }).items[0]).toMatchObject({ filledValue: '0.00', averagePrice: null });
    const notAnOrder = await api.request('GET', '/api/me/trades?orderId=62', { token: seller.apiKey });
    expect([notAnOrder.status, ApiErrorBody.parse(notAnOrder.body).details.fields?.[0]?.field]).toEqual([
      400,
      'orderId',
    ]);
    const sellerCsv = await fetch(`${base}/api/me/trades?format=csv&symbol=VALE3`, {
      headers: { authorization: `Bearer ${seller.apiKey}` },
    });
    expect((await sellerCsv.text()).split('\r\n').find((line) => line.includes(',64.00,'))).toMatch(/,3\.98$/);

    // Per month, in the exchange's time zone: all of it this month.
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo', year: 'numeric', month: '2-digit' })
      .format(new Date())
      .slice(0, 7);
    const monthly = async (trader: Trader) =>
      MonthlyTradesView.array().parse(
        (await api.request('GET', '/api/me/trades/monthly', { token: trader.apiKey })).body,
      );
    expect(await monthly(seller)).toEqual([
      { month, purchases: '0.00', sales: '620.00', fees: '0.10', realizedProfit: '-0.10' },
    ]);
    expect(await monthly(buyer)).toEqual([
      { month, purchases: '620.00', sales: '0.00', fees: '0.15', realizedProfit: '0.00' },
    ]);

    const bad = await api.request('GET', '/api/me/trades?cursor=%%%', { token: buyer.apiKey });
    expect(bad.status).toBe(400);
  });

  it('pages the ledger newest first and filters by asset and reason', async () => {
    const trader = await newTrader(api, 'ledger-reader');
    for (const amount of ['1.00', '2.00', '3.00']) {
      await api.request('POST', '/api/me/deposits', { token: trader.apiKey, body: { amount } });
    }
    const page = (await api.request('GET', '/api/me/ledger?asset=BRL&reason=deposit&limit=2', { token: trader.apiKey }))
      .body as { items: LedgerEntryView[]; nextCursor: string };
    expect(page.items.map((entry) => entry.availableChange)).toEqual(['3.00', '2.00']);
    const next = (
      await api.request('GET', `/api/me/ledger?asset=BRL&reason=deposit&limit=2&cursor=${page.nextCursor}`, {
        token: trader.apiKey,
      })
    ).body as { items: LedgerEntryView[] };
    expect(next.items.map((entry) => entry.availableAfter)).toEqual(['100001.00']);
    expect((await api.request('GET', '/api/me/ledger?reason=gift', { token: trader.apiKey })).status).toBe(400);
  });

  it('names the order behind each ledger entry and filters by several reasons and by time', async () => {
    const seller = await newTrader(api, 'statement-seller');
    const buyer = await newTrader(api, 'statement-buyer');
    const startedAt = new Date();
    await api.request('POST', '/api/me/deposits', { token: buyer.apiKey, body: { amount: '10.00' } });
    await api.request('POST', '/api/me/withdrawals', { token: buyer.apiKey, body: { amount: '4.00' } });
    await place(seller, { symbol: 'ITUB4', side: 'sell', type: 'limit', price: '33.00', quantity: '3' });
    const buy = await place(buyer, { symbol: 'ITUB4', side: 'buy', type: 'limit', price: '33.00', quantity: '3' });
    await filled(buyer, buy.orderId);
    const read = async (trader: Trader, query: string) => {
      const response = await api.request('GET', `/api/me/ledger${query}`, { token: trader.apiKey });
      expect(response.status).toBe(200);
      return (response.body as { items: LedgerEntryView[] }).items;
    };

    const transfers = await read(buyer, '?reason=deposit,withdrawal');
    expect(transfers.map((e) => [e.reason, e.availableChange, e.symbol, e.side])).toEqual([
      ['withdrawal', '-4.00', null, null],
      ['deposit', '10.00', null, null],
    ]);
    const dealt = await read(buyer, '?reason=trade,fee&asset=BRL');
    expect(dealt.map((e) => e.reason).sort()).toEqual(['fee', 'trade']);
    expect(dealt.every((e) => e.symbol === 'ITUB4' && e.side === 'buy' && e.orderId === buy.orderId)).toBe(true);
    expect(dealt.find((e) => e.reason === 'trade')?.heldChange).toBe('-99.00');
    const shares = await read(seller, '?asset=ITUB4&reason=hold,trade');
    expect(shares.map((e) => [e.reason, e.availableChange, e.heldChange, e.side])).toEqual([
      ['trade', '0', '-3', 'sell'],
      ['hold', '-3', '3', 'sell'],
    ]);

    // The grant was made before startedAt; everything else after it.
    const since = await read(buyer, `?from=${startedAt.toISOString()}`);
    expect(since.some((e) => e.reason === 'grant')).toBe(false);
    expect(since.some((e) => e.reason === 'deposit')).toBe(true);
    const before = await read(buyer, `?to=${startedAt.toISOString()}`);
    expect(new Set(before.map((e) => e.reason))).toEqual(new Set(['grant']));

    for (const [query, field] of [
      ['?reason=trade,gift', 'reason'],
      ['?reason=trade,', 'reason'],
      ['?from=yesterday', 'from'],
      ['?from=2026-12-02T10:00:00Z&to=2026-12-01T10:00:00Z', 'to'],
      ['?from=2026-12-02T10:00:00Z&to=2026-12-02T10:00:00Z', 'to'],
    ] as const) {
      const response = await api.request('GET', `/api/me/ledger${query}`, { token: buyer.apiKey });
      expect([query, response.status]).toEqual([query, 400]);
      expect(ApiErrorBody.parse(response.body).details.fields?.[0]?.field).toBe(field);
    }
    // The trades list and its CSV take the same range, [from, to).
    for (const format of ['json', 'csv']) {
      const query = `?format=${format}&from=${startedAt.toISOString()}&to=${startedAt.toISOString()}`;
      const response = await api.request('GET', `/api/me/trades${query}`, { token: buyer.apiKey });
      expect([format, response.status, ApiErrorBody.parse(response.body).message]).toEqual([
        format,
        400,
        'to must be after from',
      ]);
    }
  });

  it('refuses cursors it did not give out, whatever they decode to', async () => {
    const trader = await newTrader(api, 'cursor-forger');
    const forged = (...parts: string[]) => Buffer.from(parts.join('\n')).toString('base64url');
    for (const url of [
      `/api/me/orders?cursor=${forged('yesterday', 'someone')}`,
      `/api/me/orders?cursor=${forged('2026-12-01T10:00:00.000Z', 'not-a-uuid')}`,
      `/api/me/trades?cursor=${forged('junk', 'VALE3-1', 'maker')}`,
      `/api/me/trades?cursor=${forged('2026-12-01T10:00:00.000Z', 'VALE3-1', 'owner')}`,
      `/api/me/ledger?cursor=${forged('12345678901234567890')}`,
      '/api/me/ledger?cursor=junk',
    ]) {
      const response = await api.request('GET', url, { token: trader.apiKey });
      expect([url, response.status]).toEqual([url, 400]);
      expect(ApiErrorBody.parse(response.body).details.fields?.[0]?.field).toBe('cursor');
    }
  });
});

describe('GET /api/stream/me', () => {
  it('sends the wallet again once the API listens again after losing its database connection', async () => {
    const trader = await newTrader(api, 'me-relisten');
    const deposited = (event: { event: string; data: unknown }) =>
      event.event === 'wallet' && WalletView.parse(event.data).cash.total === '100007.00';
    const stream = readStream(`${base}/api/stream/me`, {
      headers: { authorization: `Bearer ${trader.apiKey}` },
      sentFirst: (events) => events.some((event) => event.event === 'wallet'),
      done: (events) => events.some(deposited),
    });
    await stream.opened;
    // End the connection the API listens on, and change the wallet before it listens again (a second later): that
    // change's notification never reaches it.
    const sql = api.app.get(SqlPool);
    const listening = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`;
    await sql.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN %'`);
    await until(async () => ((await sql.query<{ n: number }>(listening)).rows[0]!.n === 0 ? true : undefined));
    await api.request('POST', '/api/me/deposits', { token: trader.apiKey, body: { amount: '7.00' } });
    const { events } = await stream;
    expect(events.some(deposited)).toBe(true);
  });

  it('sends the wallet when a placed order holds cash, and again when an amend holds more', async () => {
    const trader = await newTrader(api, 'me-holds');
    const heldCash = (events: { event: string; data: unknown }[]) =>
      events.filter((event) => event.event === 'wallet').map((event) => Number(WalletView.parse(event.data).cash.held));
    const streamUntilHeld = async (atLeast: number) => {
      const stream = readStream(`${base}/api/stream/me`, {
        headers: { authorization: `Bearer ${trader.apiKey}` },
        sentFirst: (events) => heldCash(events).length > 0,
        done: (events) => heldCash(events).some((held) => held >= atLeast),
      });
      await stream.opened;
      // Wrapped: an async function returning the stream itself would wait for it to end.
      return { stream };
    };
    const placing = await streamUntilHeld(3);
    // Nobody sells ABEV3 at the bottom of its band in these tests: the order rests, holding its cash.
    const order = await place(trader, { symbol: 'ABEV3', side: 'buy', type: 'limit', price: '1.00', quantity: '3' });
    const placed = heldCash((await placing.stream).events);
    expect(placed[0]).toBe(0);
    expect(placed.at(-1)).toBeGreaterThanOrEqual(3);
    expect(placed.at(-1)).toBeLessThan(5);
    const amending = await streamUntilHeld(5);
    const amended = await api.request('PATCH', `/api/orders/${order.orderId}`, {
      token: trader.apiKey,
      body: { quantity: '5' },
    });
    expect(amended.status).toBe(202);
    const afterAmend = heldCash((await amending.stream).events);
    expect(afterAmend[0]).toBe(placed.at(-1));
    expect(afterAmend.at(-1)).toBeGreaterThanOrEqual(5);
  });

  it('sends the wallet at once, then order updates, fills and wallet changes', async () => {
    const seller = await newTrader(api, 'me-seller');
    const trader = await newTrader(api, 'me-stream');
    const stream = readStream(`${base}/api/stream/me`, {
      headers: { authorization: `Bearer ${trader.apiKey}` },
      sentFirst: (events) => events.some((event) => event.event === 'wallet'),
      done: (events) =>
        events.some((event) => event.event === 'fill') &&
        events.some(
          (event) =>
            event.event === 'wallet' &&
            WalletView.parse(event.data).positions.some((p) => p.symbol === 'BBDC4' && p.available === '1002'),
        ),
    });
    await stream.opened;
    await api.request('POST', '/api/me/deposits', { token: trader.apiKey, body: { amount: '10.00' } });
    await place(seller, { symbol: 'BBDC4', side: 'sell', type: 'limit', price: '14.00', quantity: '2' });
    await place(trader, { symbol: 'BBDC4', side: 'buy', type: 'limit', price: '14.00', quantity: '2' });
    const { events } = await stream;
    const kinds = events.map((event) => event.event);
    expect(kinds[0]).toBe('wallet');
    expect(WalletView.parse(events[0]!.data).cash.available).toBe('100000.00');
    expect(kinds).toContain('order');
    expect(kinds).toContain('fill');
    const wallets = events.filter((event) => event.event === 'wallet').map((event) => WalletView.parse(event.data));
    // Changes close together arrive as one wallet; the last one has the deposit, the shares and the cost in it.
    expect(wallets.at(-1)!.cash.total).toBe('99982.00');
    expect(events.filter((event) => event.event === 'wallet').every((event) => event.id === undefined)).toBe(true);
  });
});
