import { randomUUID } from 'node:crypto';
import {
  AdminSummary,
  ApiErrorBody,
  BookView,
  CandleView,
  DEFAULT_INSTRUMENTS,
  encodeEvents,
  LAST_TRADE_SEQUENCE_HEADER,
  OrderView,
  SCHEMA_VERSION,
  TickerView,
  TOPICS,
  TradeView,
  type EngineEvent,
  type OrderCommand,
} from '@bolsa/contracts';
import { ContractBook } from '@bolsa/order-book';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, PgNotifications } from '../src/database/pg-notifications.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { SqlPool } from '../src/database/sql-pool.js';
import { EventIngestion } from '../src/events/event-ingestion.js';
import { MarketDataService } from '../src/markets/market-data.service.js';
import { roundTrips, traceConnections, transactionNaming } from './round-trips.js';
import { newAdmin, newTrader, startTestApi, type TestApi, until, watchCommands } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;
let kafka: Kafka;
let commandReader: Consumer;
let eventWriter: Producer;
const commands: OrderCommand[] = [];

beforeAll(async () => {
  api = await startTestApi();
  kafka = new Kafka({ brokers: [api.broker.bootstrap], clientId: 'events-tests', logLevel: logLevel.NOTHING });
  commandReader = await watchCommands(api, 'fake-engine', (command) => commands.push(command));
  eventWriter = kafka.producer();
  await eventWriter.connect();
});

afterAll(async () => {
  await commandReader.disconnect();
  await eventWriter.disconnect();
  await api.stop();
});

/** The place command the API sent for `orderId`, once this file's stand-in for the engine has read it. */
function placementOf(orderId: string): Promise<OrderCommand> {
  return until(async () => commands.find((c) => c.type === 'place_order' && c.orderId === orderId));
}

async function publish(events: EngineEvent[]): Promise<void> {
  await eventWriter.send({
    topic: TOPICS.engineEvents,
    messages: [{ key: events[0]!.symbol, value: encodeEvents(events) }],
  });
}

describe('engine events reach PostgreSQL once', () => {
  it('updates orders, records trades, candles and the book, and ignores a redelivery', async () => {
    const seller = await newTrader(api, 'seller');
    const buyer = await newTrader(api, 'buyer');
    const sell = OrderView.parse(
      (
        await api.request('POST', '/api/orders', {
          token: seller.apiKey,
          body: { symbol: 'VALE3', side: 'sell', type: 'limit', price: '60.00', quantity: '10' },
        })
      ).body,
    );
    const buy = OrderView.parse(
      (
        await api.request('POST', '/api/orders', {
          token: buyer.apiKey,
          body: { symbol: 'VALE3', side: 'buy', type: 'limit', price: '60.50', quantity: '4' },
        })
      ).body,
    );
    const ours = await until(async () => {
      const found = commands.filter(
        (c) => c.type === 'place_order' && (c.orderId === sell.orderId || c.orderId === buy.orderId),
      );
      return found.length === 2 ? found : undefined;
    });
    const book = new ContractBook(DEFAULT_INSTRUMENTS.find((i) => i.symbol === 'VALE3')!);
    const events = ours.flatMap((command) => book.apply(command));
    expect(events.map((e) => e.type)).toContain('trade');
    await publish(events);

    const prisma = api.app.get(PrismaService);
    await until(async () => ((await prisma.trade.count({ where: { symbol: 'VALE3' } })) === 1 ? true : undefined));
    const sellView = OrderView.parse(
      (await api.request('GET', `/api/orders/${sell.orderId}`, { token: seller.apiKey })).body,
    );
    const buyView = OrderView.parse(
      (await api.request('GET', `/api/orders/${buy.orderId}`, { token: buyer.apiKey })).body,
    );
    expect(sellView).toMatchObject({ status: 'partially_filled', filledQuantity: '4' });
    expect(buyView).toMatchObject({ status: 'filled', filledQuantity: '4' });
    const trade = await prisma.trade.findFirstOrThrow({ where: { symbol: 'VALE3' } });
    expect(trade).toMatchObject({
      price: 6000n,
      quantity: 4n,
      aggressorSide: 'buy',
      makerOrderId: sell.orderId,
      takerOrderId: buy.orderId,
    });
    expect(trade.traceId).toBe(ours[1]!.traceId);
    const candle = await prisma.candle.findFirstOrThrow({ where: { symbol: 'VALE3' } });
    expect(candle).toMatchObject({ open: 6000n, high: 6000n, low: 6000n, close: 6000n, volume: 4n, trades: 1 });
    // The candles say which trades they count: up to this one, by its engine sequence.
    const candles = await api.request('GET', '/api/markets/VALE3/candles');
    expect(candles.headers[LAST_TRADE_SEQUENCE_HEADER]).toBe(String(trade.sequence));
    expect((await api.request('GET', '/api/markets/ABEV3/candles')).headers[LAST_TRADE_SEQUENCE_HEADER]).toBe('0');
    expect(
      await prisma.bookLevel.findMany({
        where: { symbol: 'VALE3' },
        select: { side: true, price: true, quantity: true, orderCount: true },
      }),
    ).toEqual([{ side: 'sell', price: 6000n, quantity: 6n, orderCount: 1 }]);

    const wallets = async () =>
      Promise.all(
        [seller, buyer].map(
          async (trader) => (await api.request('GET', '/api/me/wallet', { token: trader.apiKey })).body,
        ),
      );
    const ledgerSize = async () => prisma.ledgerEntry.count();
    const walletsBefore = await wallets();
    // 4 × 60.00 = 240.00 settled once: the buyer holds 0.10 less than the 60.50 limit per share, refunded.
    expect(walletsBefore[1]).toMatchObject({ cash: { held: '0.00', total: '99759.93' } });
    const ledgerBefore = await ledgerSize();

    const totals = () => prisma.marketTotal.findUniqueOrThrow({ where: { symbol: 'VALE3' } });
    expect(await totals()).toEqual({
      symbol: 'VALE3',
      trades: 1n,
      volume: 4n,
      turnover: 24_000n,
      events: BigInt(events.length),
      lastPrice: 6000n,
      lastSequence: events.find((event) => event.type === 'trade')!.sequence,
      storedSequence: Math.max(...events.map((event) => event.sequence)),
    });
    const totalsBefore = await totals();

    const storedBefore = await prisma.engineEvent.count({ where: { symbol: 'VALE3' } });
    await publish(events);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await prisma.engineEvent.count({ where: { symbol: 'VALE3' } })).toBe(storedBefore);
    expect(await prisma.trade.count({ where: { symbol: 'VALE3' } })).toBe(1);
    expect((await prisma.candle.findFirstOrThrow({ where: { symbol: 'VALE3' } })).volume).toBe(4n);
    expect(storedBefore).toBe(events.length);
    expect(await wallets()).toEqual(walletsBefore);
    expect(await ledgerSize()).toBe(ledgerBefore);
    expect(await totals()).toEqual(totalsBefore);
  });
});

/** An unlabelled counter's value, as /metrics reports it now. */
async function counter(name: string): Promise<number> {
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(await api.metrics())?.[1]);
}

describe('messages on the events topic that are not events', () => {
  it('are skipped and counted, and the events around them are stored', async () => {
    const undecodable = () => counter('api_engine_events_undecodable_total');
    const skippedBefore = await undecodable();
    const seller = await newTrader(api, 'junk-seller');
    const placed = OrderView.parse(
      (
        await api.request('POST', '/api/orders', {
          token: seller.apiKey,
          body: { symbol: 'ITUB4', side: 'sell', type: 'limit', price: '33.00', quantity: '5' },
        })
      ).body,
    );
    const command = await placementOf(placed.orderId);
    const events = new ContractBook(DEFAULT_INSTRUMENTS.find((i) => i.symbol === 'ITUB4')!).apply(command);
    const junk = ['not json', '[{"type":"trade"}]', '', JSON.stringify(events.map((e) => ({ ...e, sequence: -1 })))];
    await eventWriter.send({
      topic: TOPICS.engineEvents,
      messages: [...junk.map((value) => ({ key: 'ITUB4', value })), { key: 'ITUB4', value: encodeEvents(events) }],
    });
    await until(async () => {
      const view = OrderView.parse(
        (await api.request('GET', `/api/orders/${placed.orderId}`, { token: seller.apiKey })).body,
      );
      return view.status === 'open' ? view : undefined;
    });
    expect((await undecodable()) - skippedBefore).toBe(junk.length);
  });
});

describe('how far ingestion got on the events topic', () => {
  it('is committed once a second at most, not after every batch, and once events stop coming too', async () => {
    const commits = () => counter('api_engine_events_offset_commits_total');
    const before = await commits();
    const started = Date.now();
    // One message per fetch: before, kafkajs committed after each of these batches.
    for (let i = 0; i < 25; i++) {
      await eventWriter.send({ topic: TOPICS.engineEvents, messages: [{ key: 'BBAS3', value: 'not an event' }] });
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = (await admin.fetchTopicOffsets(TOPICS.engineEvents)).filter((end) => end.offset !== '0');
      await until(async () => {
        const [committed] = await admin.fetchOffsets({ groupId: 'api-events', topics: [TOPICS.engineEvents] });
        const at = new Map(committed!.partitions.map((p) => [p.partition, p.offset]));
        return ends.every((end) => at.get(end.partition) === end.offset) || undefined;
      });
    } finally {
      await admin.disconnect();
    }
    const made = (await commits()) - before;
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);
  });
});

describe('notifications', () => {
  it('announces each ingestion commit on bolsa_events, and wallet changes on bolsa_wallets', async () => {
    const notifications = api.app.get(PgNotifications);
    const announced: string[] = [];
    const events = notifications.on(CHANNELS.events).subscribe(() => announced.push('events'));
    const wallets = notifications.walletChanges.subscribe((accountId) => announced.push(accountId));
    try {
      const trader = await newTrader(api, 'notified');
      await api.request('POST', '/api/me/deposits', { token: trader.apiKey, body: { amount: '1.00' } });
      const order = OrderView.parse(
        (
          await api.request('POST', '/api/orders', {
            token: trader.apiKey,
            body: { symbol: 'ABEV3', side: 'buy', type: 'limit', price: '10.00', quantity: '1' },
          })
        ).body,
      );
      const placed = await placementOf(order.orderId);
      await publish(new ContractBook(DEFAULT_INSTRUMENTS.find((i) => i.symbol === 'ABEV3')!).apply(placed));
      await until(async () => announced.includes('events'));
      expect(announced).toContain(trader.accountId);
    } finally {
      events.unsubscribe();
      wallets.unsubscribe();
    }
  });
});

describe('market data from what the events left', () => {
  it('serves the book, the trades and the ticker', async () => {
    const book = BookView.parse((await api.request('GET', '/api/markets/VALE3/book?depth=5')).body);
    expect(book).toMatchObject({ symbol: 'VALE3', bids: [], asks: [{ price: '60.00', quantity: '6', orderCount: 1 }] });
    expect(book.sequence).toBeGreaterThan(0);
    expect(book.uncross).toBeNull();
    const trades = TradeView.array().parse((await api.request('GET', '/api/markets/VALE3/trades')).body);
    expect(trades.map((t) => [t.price, t.quantity, t.aggressorSide])).toEqual([['60.00', '4', 'buy']]);
    const ticker = TickerView.parse((await api.request('GET', '/api/markets/VALE3/ticker')).body);
    // VALE3's first trade: the change is against its reference price (62.00).
    expect(ticker).toMatchObject({
      last: '60.00',
      previousClose: '62.00',
      open: '60.00',
      change: '-2.00',
      changePercent: '-3.23',
      volume: '4',
      trades: 1,
    });
    const quiet = TickerView.parse((await api.request('GET', '/api/markets/ABEV3/ticker')).body);
    expect(quiet).toMatchObject({ last: null, previousClose: '13.00', change: null, volume: '0', trades: 0 });
  });

  it("gives the admin summary each symbol's totals and the number of events stored", async () => {
    const admin = await newAdmin(api);
    const summary = AdminSummary.parse((await api.request('GET', '/api/admin/summary', { token: admin.apiKey })).body);
    expect(summary.instruments.find((i) => i.symbol === 'VALE3')).toEqual({
      symbol: 'VALE3',
      trades: 1,
      volume: '4',
      turnover: '240.00',
      last: '60.00',
    });
    const sql = api.app.get(SqlPool);
    const events = await sql.query<{ count: number }>('SELECT count(*)::int AS count FROM engine_events');
    expect(summary.ingestion.events).toBe(events.rows[0]!.count);
    const orders = await sql.query<{ status: string; count: number }>(
      'SELECT status, count(*)::int AS count FROM orders GROUP BY status',
    );
    expect(summary.orders).toEqual(Object.fromEntries(orders.rows.map((row) => [row.status, row.count])));
    expect(Object.keys(summary.orders)).toEqual(expect.arrayContaining(['filled', 'partially_filled']));
  });

  it('rolls one-minute candles up to 5 minutes and 1 hour', async () => {
    const prisma = api.app.get(PrismaService);
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute));
    const rows = [
      { minute: 0, open: 100n, high: 110n, low: 95n, close: 105n, volume: 10n },
      { minute: 3, open: 105n, high: 120n, low: 100n, close: 115n, volume: 5n },
      { minute: 7, open: 115n, high: 116n, low: 90n, close: 92n, volume: 7n },
    ];
    for (const row of rows) {
      const { minute, ...values } = row;
      await prisma.candle.create({ data: { symbol: 'ITUB4', openTime: at(minute), trades: 1, ...values } });
    }
    const fiveMinutes = CandleView.array().parse(
      (await api.request('GET', '/api/markets/ITUB4/candles?interval=5m')).body,
    );
    expect(fiveMinutes).toEqual([
      {
        openTime: at(0).toISOString(),
        open: '1.00',
        high: '1.20',
        low: '0.95',
        close: '1.15',
        volume: '15',
        trades: 2,
      },
      { openTime: at(5).toISOString(), open: '1.15', high: '1.16', low: '0.90', close: '0.92', volume: '7', trades: 1 },
    ]);
    const hour = CandleView.array().parse((await api.request('GET', '/api/markets/ITUB4/candles?interval=1h')).body);
    expect(hour).toEqual([
      {
        openTime: at(0).toISOString(),
        open: '1.00',
        high: '1.20',
        low: '0.90',
        close: '0.92',
        volume: '22',
        trades: 3,
      },
    ]);
    const minutes = CandleView.array().parse((await api.request('GET', '/api/markets/ITUB4/candles?limit=2')).body);
    expect(minutes.map((c) => c.openTime)).toEqual([at(3).toISOString(), at(7).toISOString()]);
  });

  it("sums the ticker's day from the minute candles of the last 24 hours (no day closed yet) and takes the last price by sequence", async () => {
    const prisma = api.app.get(PrismaService);
    const now = Date.UTC(2026, 10, 21, 10, 0, 30);
    const minutesAgo = (minutes: number) => new Date(Date.UTC(2026, 10, 21, 10, 0) - minutes * 60_000);
    const candles = [
      { openTime: minutesAgo(1440), open: 900n, high: 990n, low: 100n, close: 950n, volume: 50n, trades: 9 },
      { openTime: minutesAgo(1439), open: 1000n, high: 1100n, low: 980n, close: 1050n, volume: 10n, trades: 2 },
      { openTime: minutesAgo(600), open: 1050n, high: 1200n, low: 1040n, close: 1180n, volume: 5n, trades: 3 },
      { openTime: minutesAgo(0), open: 1180n, high: 1190n, low: 1150n, close: 1150n, volume: 4n, trades: 1 },
    ];
    for (const candle of candles) await prisma.candle.create({ data: { symbol: 'BBDC4', ...candle } });
    const trade = (sequence: number, price: bigint, executedAt: Date) => ({
      id: `BBDC4-${sequence}`,
      symbol: 'BBDC4',
      sequence,
      price,
      quantity: 1n,
      aggressorSide: 'buy',
      makerOrderId: randomUUID(),
      takerOrderId: randomUUID(),
      makerAccountId: randomUUID(),
      takerAccountId: randomUUID(),
      traceId: 'ticker-test',
      executedAt,
    });
    // The newest trade by sequence is the last price, even with an earlier timestamp (two API clocks).
    await prisma.trade.createMany({
      data: [trade(1, 1190n, minutesAgo(0)), trade(2, 1150n, new Date(minutesAgo(0).getTime() - 1))],
    });
    const ticker = await api.app.get(MarketDataService).ticker('BBDC4', now);
    // The change is against the close of the last minute before the 24 hours (9.50).
    expect(ticker).toEqual({
      symbol: 'BBDC4',
      last: '11.50',
      previousClose: '9.50',
      open: '10.00',
      change: '2.00',
      changePercent: '21.05',
      high: '12.00',
      low: '9.80',
      volume: '19',
      trades: 6,
      halted: false,
      haltReason: null,
      reopensAt: null,
      callAuction: null,
    });
  });

  it("sums the ticker's session from the last close of the day, against the last price before it", async () => {
    const prisma = api.app.get(PrismaService);
    const minute = (iso: string) => new Date(`2025-03-${iso}:00Z`);
    const candles = [
      { openTime: minute('10T20:58'), open: 3690n, high: 3710n, low: 3680n, close: 3700n, volume: 7n, trades: 2 },
      { openTime: minute('10T20:59'), open: 3700n, high: 3750n, low: 3700n, close: 3750n, volume: 3n, trades: 1 },
      { openTime: minute('11T12:00'), open: 3755n, high: 3765n, low: 3750n, close: 3760n, volume: 2n, trades: 1 },
      { openTime: minute('11T13:00'), open: 3760n, high: 3800n, low: 3740n, close: 3790n, volume: 10n, trades: 2 },
      { openTime: minute('11T13:29'), open: 3790n, high: 3795n, low: 3780n, close: 3780n, volume: 5n, trades: 1 },
    ];
    for (const candle of candles) await prisma.candle.create({ data: { symbol: 'PETR4', ...candle } });
    await prisma.trade.create({
      data: {
        id: 'PETR4-1',
        symbol: 'PETR4',
        sequence: 1,
        price: 3780n,
        quantity: 1n,
        aggressorSide: 'sell',
        makerOrderId: randomUUID(),
        takerOrderId: randomUUID(),
        makerAccountId: randomUUID(),
        takerAccountId: randomUUID(),
        traceId: 'session-ticker-test',
        executedAt: minute('11T13:29'),
      },
    });
    // An administrator's close on the 7th, the clock's on the 10th at 18:00 in São Paulo, and the 11th's, still to
    // come at 13:30 UTC that day (recorded ahead, as a test may): the session began at the 10th's.
    await api.app.get(SqlPool).query(
      `INSERT INTO market_sessions (trading_day, closed_at, closes_until, trace_id) VALUES
         ('2025-03-07', '2025-03-07 19:05:00', NULL, 'a'),
         ('2025-03-10', '2025-03-10 21:00:04', '2025-03-10 21:00:00', 'b'),
         ('2025-03-11', '2025-03-11 21:00:04', '2025-03-11 21:00:00', 'c')`,
    );
    const now = Date.parse('2025-03-11T13:30:10Z');
    expect(await api.app.get(MarketDataService).ticker('PETR4', now)).toEqual({
      symbol: 'PETR4',
      last: '37.80',
      previousClose: '37.50',
      open: '37.55',
      change: '0.30',
      changePercent: '0.80',
      high: '38.00',
      low: '37.40',
      volume: '17',
      trades: 4,
      halted: false,
      haltReason: null,
      reopensAt: null,
      callAuction: null,
    });
    // An administrator closes the 10th again at 13:00:30 on the 11th: the session begins then.
    await api.app
      .get(SqlPool)
      .query(`UPDATE market_sessions SET closed_at = '2025-03-11 13:00:30' WHERE trading_day = '2025-03-10'`);
    expect(await api.app.get(MarketDataService).ticker('PETR4', now)).toMatchObject({
      previousClose: '37.60',
      open: '37.60',
      change: '0.20',
      changePercent: '0.53',
      volume: '15',
      trades: 3,
    });
    await api.app
      .get(SqlPool)
      .query(`DELETE FROM market_sessions WHERE trading_day BETWEEN '2025-03-07' AND '2025-03-11'`);
  });

  it.each([
    ['/api/markets/XPTO3/book', 404, 'unknown_symbol'],
    ['/api/markets/VALE3/book?depth=0', 400, 'validation_failed'],
    ['/api/markets/VALE3/book?depth=abc', 400, 'validation_failed'],
    ['/api/markets/VALE3/trades?limit=501', 400, 'validation_failed'],
    ['/api/markets/VALE3/candles?interval=1d', 400, 'validation_failed'],
    ['/api/markets/XPTO3/ticker', 404, 'unknown_symbol'],
  ])('answers %s with %i %s', async (url, status, errorCode) => {
    const response = await api.request('GET', url);
    expect([response.status, ApiErrorBody.parse(response.body).code]).toEqual([status, errorCode]);
  });
});

describe('batches handed to ingestion together', () => {
  const emptiedLevel = (symbol: string, sequence: number): EngineEvent => ({
    schemaVersion: SCHEMA_VERSION,
    symbol,
    sequence,
    commandId: randomUUID(),
    traceId: 'together-test',
    timestamp: Date.now(),
    type: 'level_changed',
    side: 'buy',
    price: 1,
    quantity: 0,
    orderCount: 0,
  });
  /** The transaction that stored each event. */
  const storedBy = async (events: EngineEvent[]) => {
    const { rows } = await api.app
      .get(SqlPool)
      .query<{ tx: string }>(
        'SELECT e.xmin::text AS tx FROM engine_events e JOIN unnest($1::text[], $2::int[]) AS v(symbol, sequence) USING (symbol, sequence)',
        [events.map((event) => event.symbol), events.map((event) => event.sequence)],
      );
    return rows.map((row) => row.tx);
  };

  it('stores them in one transaction and gives each its own new events', async () => {
    const ingestion = api.app.get(EventIngestion);
    // Far past what the engine reaches in these tests, on a symbol they do not trade: later events of it would be
    // taken for redeliveries.
    const first = [emptiedLevel('BBDC4', 1_000_001)];
    const second = [emptiedLevel('VALE3', 1_000_001), emptiedLevel('VALE3', 1_000_002)];
    const [storedFirst, storedSecond] = await Promise.all([ingestion.ingest(first), ingestion.ingest(second)]);
    expect(storedFirst.map((stored) => stored.event)).toEqual(first);
    expect(storedSecond.map((stored) => stored.event)).toEqual(second);
    expect(new Set(await storedBy([...first, ...second])).size).toBe(1);
    // Handed in again, with one more: only that one is new.
    const third = [emptiedLevel('VALE3', 1_000_003)];
    const [again, storedThird] = await Promise.all([ingestion.ingest(second), ingestion.ingest(third)]);
    expect([again, storedThird.map((stored) => stored.event)]).toEqual([[], third]);
    // Within one batch, a copy of an event and an older event after a newer one are left out too.
    const fourth = emptiedLevel('VALE3', 1_000_004);
    const stored = await ingestion.ingest([fourth, fourth, emptiedLevel('VALE3', 1_000_002)]);
    expect(stored.map((event) => event.event)).toEqual([fourth]);
    expect(await storedBy([fourth])).toHaveLength(1);
  });

  it('waits for another process storing the same events, then stores none of them again', async () => {
    const sql = api.app.get(SqlPool);
    const events = [emptiedLevel('ITUB4', 1_000_001), emptiedLevel('ITUB4', 1_000_002)];
    // What a second ingesting process does with the same batch during a rebalance, paused before its commit.
    const other = await sql.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO market_totals AS m (symbol, stored_sequence) VALUES ('ITUB4', 1000002)
         ON CONFLICT (symbol) DO UPDATE SET stored_sequence = 1000002`,
      );
      await other.query(
        `INSERT INTO engine_events (symbol, sequence, type, trace_id, payload, occurred_at)
         SELECT v->>'symbol', (v->>'sequence')::int, v->>'type', v->>'traceId', v, now()
           FROM jsonb_array_elements($1::jsonb) AS e(v)`,
        [JSON.stringify(events)],
      );
      const storing = api.app.get(EventIngestion).ingest(events);
      await until(async () => {
        const { rows } = await sql.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock'`,
        );
        return rows[0]!.waiting > 0 ? true : undefined;
      });
      await other.query('COMMIT');
      expect(await storing).toEqual([]);
    } finally {
      other.release();
    }
    expect(await storedBy(events)).toHaveLength(2);
  });

  it('stores the others when the database refuses one batch, and fails only that one', async () => {
    const ingestion = api.app.get(EventIngestion);
    // A sequence the engine would never reach, past the column's int range: the whole statement fails.
    const refused = [emptiedLevel('ITUB4', 2 ** 40)];
    const good = [emptiedLevel('ABEV3', 1_000_001)];
    const [refusedOutcome, goodOutcome] = await Promise.allSettled([ingestion.ingest(refused), ingestion.ingest(good)]);
    expect(refusedOutcome.status).toBe('rejected');
    expect(goodOutcome.status === 'fulfilled' && goodOutcome.value.map((stored) => stored.event)).toEqual(good);
    expect(await storedBy(good)).toHaveLength(1);
  });
});

describe('ingestion and an amend on the same order and balance', () => {
  it('take the order before the balance, as the amend does, so they wait for each other instead of deadlocking', async () => {
    const seller = await newTrader(api, 'lock-seller');
    const buyer = await newTrader(api, 'lock-buyer');
    const place = async (token: string, body: Record<string, string>) =>
      OrderView.parse((await api.request('POST', '/api/orders', { token, body })).body);
    // The buyer's resting order, which the batch accepts, and a trade of the buyer's, whose settlement takes the
    // buyer's cash balance: the amend's lock order in reverse if the accepted order is taken last.
    const resting = await place(buyer.apiKey, {
      symbol: 'PETR4',
      side: 'buy',
      type: 'limit',
      price: '30.00',
      quantity: '1',
    });
    const sell = await place(seller.apiKey, {
      symbol: 'PETR4',
      side: 'sell',
      type: 'limit',
      price: '35.00',
      quantity: '1',
    });
    const buy = await place(buyer.apiKey, {
      symbol: 'PETR4',
      side: 'buy',
      type: 'limit',
      price: '35.00',
      quantity: '1',
    });
    const ids = [resting.orderId, sell.orderId, buy.orderId];
    const placed = await Promise.all(ids.map(placementOf));
    const book = new ContractBook(DEFAULT_INSTRUMENTS.find((i) => i.symbol === 'PETR4')!);
    const events = placed.flatMap((command) => book.apply(command));
    expect(events.map((event) => event.type)).toContain('trade');

    const sql = api.app.get(SqlPool);
    // What an amend of the resting order does (OrderStore.holdForAmend): the order first, then the balance.
    const amend = await sql.connect();
    try {
      await amend.query('BEGIN');
      await amend.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [resting.orderId]);
      const storing = api.app.get(EventIngestion).ingest(events);
      const outcome = storing.then(
        () => 'stored',
        (error: unknown) => error,
      );
      // Ingestion now waits for the amend's order lock.
      await until(async () => {
        const { rows } = await sql.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock'`,
        );
        return rows[0]!.waiting > 0 ? true : undefined;
      });
      await amend.query(
        `UPDATE balances SET available = available - 1, held = held + 1 WHERE account_id = $1 AND asset = 'BRL'`,
        [buyer.accountId],
      );
      await amend.query('ROLLBACK');
      expect(await outcome).toBe('stored');
    } finally {
      amend.release();
    }
    const { rows } = await sql.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [resting.orderId]);
    expect(rows[0]!.status).toBe('open');
  });
});

// Last in this file: it leaves its partition stopped.
describe('events of a schema version this API cannot read', () => {
  it('pause their partition, after storing what came before, rather than be skipped and lost, while the others go on', async () => {
    const trader = await newTrader(api, 'newer-engine');
    const place = async (price: string, symbol = 'BBDC4') =>
      OrderView.parse(
        (
          await api.request('POST', '/api/orders', {
            token: trader.apiKey,
            body: { symbol, side: 'sell', type: 'limit', price, quantity: '5' },
          })
        ).body,
      );
    const [before, after] = [await place('15.00'), await place('15.10')];
    const placed = await Promise.all([before, after].map((order) => placementOf(order.orderId)));
    const book = new ContractBook(DEFAULT_INSTRUMENTS.find((i) => i.symbol === 'BBDC4')!);
    // Past every BBDC4 sequence the tests above stored, or these would be taken for copies of those.
    const [first, second] = placed.map((command) =>
      book.apply(command).map((event) => ({ ...event, sequence: event.sequence + 2_000_000 })),
    );
    const newer = JSON.stringify(second!.map((event) => ({ ...event, schemaVersion: SCHEMA_VERSION + 1 })));
    await eventWriter.send({
      topic: TOPICS.engineEvents,
      messages: [
        { key: 'BBDC4', value: encodeEvents(first!) },
        { key: 'BBDC4', value: newer },
        { key: 'BBDC4', value: encodeEvents(second!) },
      ],
    });
    const status = async (orderId: string) =>
      OrderView.parse((await api.request('GET', `/api/orders/${orderId}`, { token: trader.apiKey })).body).status;
    await until(async () => ((await status(before.orderId)) === 'open' ? true : undefined));
    const waiting = async () => {
      const metrics = await api.metrics();
      return [...metrics.matchAll(/^api_engine_events_partition_waiting\{partition="(\d+)"\} 1$/gm)].map((match) =>
        Number(match[1]),
      );
    };
    const [partition] = await until(async () => ((await waiting()).length > 0 ? await waiting() : undefined));
    // What came after the unreadable message waits with it: nothing behind it is stored out of order or skipped.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await status(after.orderId)).toBe('pending');
    expect(await waiting()).toEqual([partition]);
    // The other partitions go on being stored meanwhile.
    const elsewhere = await place('38.00', 'PETR4');
    const command = await placementOf(elsewhere.orderId);
    const petr4 = new ContractBook(DEFAULT_INSTRUMENTS.find((i) => i.symbol === 'PETR4')!);
    const events = petr4.apply(command).map((event) => ({ ...event, sequence: event.sequence + 2_000_000 }));
    await eventWriter.send({
      topic: TOPICS.engineEvents,
      messages: [{ key: 'PETR4', value: encodeEvents(events), partition: (partition! + 1) % 3 }],
    });
    await until(async () => ((await status(elsewhere.orderId)) === 'open' ? true : undefined));
    expect(await status(after.orderId)).toBe('pending');
  });
});

describe('storing a batch of engine events', () => {
  it('takes two round trips to PostgreSQL: the events with the locks settlement needs, then the write with the commit', async () => {
    const seller = await newTrader(api, 'round-trip-seller');
    const buyer = await newTrader(api, 'round-trip-buyer');
    const place = async (trader: { apiKey: string }, side: 'buy' | 'sell') =>
      OrderView.parse(
        (
          await api.request('POST', '/api/orders', {
            token: trader.apiKey,
            body: { symbol: 'VALE3', side, type: 'limit', price: '61.00', quantity: '3' },
          })
        ).body,
      );
    const sell = await place(seller, 'sell');
    const buy = await place(buyer, 'buy');
    const commands = await Promise.all([sell, buy].map((order) => placementOf(order.orderId)));
    const book = new ContractBook(DEFAULT_INSTRUMENTS.find((i) => i.symbol === 'VALE3')!);
    // Past every VALE3 sequence the tests above stored, or these would be taken for copies of those.
    const events = commands.flatMap((command) =>
      book.apply(command).map((event) => ({ ...event, sequence: event.sequence + 3_000_000 })),
    );
    expect(events.map((event) => event.type)).toContain('trade');

    const sql = api.app.get(SqlPool);
    const { traces, stop } = traceConnections(sql);
    const stored = await api.app.get(EventIngestion).ingest(events);
    stop();
    expect(stored.map((entry) => entry.event)).toEqual(events);
    expect(roundTrips(transactionNaming(traces, 'insert_engine_events'))).toBe(2);
    const status = async (trader: { apiKey: string }, orderId: string) =>
      OrderView.parse((await api.request('GET', `/api/orders/${orderId}`, { token: trader.apiKey })).body).status;
    expect([await status(seller, sell.orderId), await status(buyer, buy.orderId)]).toEqual(['filled', 'filled']);
  });
});
