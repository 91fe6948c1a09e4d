import {
  DEFAULT_INSTRUMENTS,
  decodeCommand,
  encodeEvent,
  OrderView,
  TOPICS,
  type EngineEvent,
  type OrderCommand,
} from '@bolsa/contracts';
import { ContractBook } from '@bolsa/order-book';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/database/prisma.service.js';
import { newTrader, startTestApi, type TestApi } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;
let kafka: Kafka;
let commandReader: Consumer;
let eventWriter: Producer;
const commands: OrderCommand[] = [];

beforeAll(async () => {
  api = await startTestApi();
  kafka = new Kafka({ brokers: [api.broker.bootstrap], clientId: 'events-tests', logLevel: logLevel.NOTHING });
  commandReader = kafka.consumer({ groupId: 'fake-engine', maxWaitTimeInMs: 100 });
  await commandReader.connect();
  await commandReader.subscribe({ topics: [TOPICS.orderCommands], fromBeginning: true });
  await commandReader.run({
    eachMessage: async ({ message }) => {
      const decoded = decodeCommand(message.value!);
      if (decoded.ok) commands.push(decoded.value);
    },
  });
  eventWriter = kafka.producer();
  await eventWriter.connect();
});

afterAll(async () => {
  await commandReader.disconnect();
  await eventWriter.disconnect();
  await api.stop();
});

async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function publish(events: EngineEvent[]): Promise<void> {
  await eventWriter.send({
    topic: TOPICS.engineEvents,
    messages: events.map((event) => ({ key: event.symbol, value: encodeEvent(event) })),
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
    expect(
      await prisma.bookLevel.findMany({
        where: { symbol: 'VALE3' },
        select: { side: true, price: true, quantity: true, orderCount: true },
      }),
    ).toEqual([{ side: 'sell', price: 6000n, quantity: 6n, orderCount: 1 }]);

    const storedBefore = await prisma.engineEvent.count({ where: { symbol: 'VALE3' } });
    await publish(events);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await prisma.engineEvent.count({ where: { symbol: 'VALE3' } })).toBe(storedBefore);
    expect(await prisma.trade.count({ where: { symbol: 'VALE3' } })).toBe(1);
    expect((await prisma.candle.findFirstOrThrow({ where: { symbol: 'VALE3' } })).volume).toBe(4n);
    expect(storedBefore).toBe(events.length);
  });
});
