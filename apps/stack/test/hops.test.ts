import { randomUUID } from 'node:crypto';
import {
  DEFAULT_INSTRUMENTS,
  encodeCommand,
  encodeEngineEvents,
  TOPICS,
  type AmendOrderCommand,
  type Instrument,
  type OrderCommand,
  type PlaceOrderCommand,
} from '@bolsa/contracts';
import { startBroker, type RunningBroker } from '@bolsa/kafka-broker';
import { ContractBook } from '@bolsa/order-book';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hopsOf, readKafkaTimes, slowestHops, type KafkaTimes, type TimedOrder } from '../bench/hops.js';

const PETR4: Instrument = DEFAULT_INSTRUMENTS.find((instrument) => instrument.symbol === 'PETR4')!;
const SELLER = randomUUID();
const BUYER = randomUUID();

function place(accountId: string, side: 'buy' | 'sell', price: number, quantity: number): PlaceOrderCommand {
  return {
    schemaVersion: 1,
    commandId: randomUUID(),
    symbol: 'PETR4',
    traceId: randomUUID().replaceAll('-', ''),
    timestamp: Date.now(),
    type: 'place_order',
    orderId: randomUUID(),
    accountId,
    clientOrderId: null,
    side,
    orderType: 'limit',
    timeInForce: 'GTC',
    price,
    stopPrice: null,
    trailingOffset: null,
    quantity,
    postOnly: false,
    selfTradePrevention: 'cancel_newest',
  };
}

describe('the bench hops', () => {
  it('split each order at its command and events, skip orders not found in both, and sort each hop', () => {
    const orders = [
      { orderId: 'a', sentAt: 1_000, filledAt: 1_050 },
      { orderId: 'b', sentAt: 2_000, filledAt: 2_020 },
      { orderId: 'c', sentAt: 3_000, filledAt: 3_010 },
    ];
    const times = {
      commands: new Map([
        ['a', 1_010],
        ['b', 2_004],
        ['c', 3_001],
      ]),
      takings: new Map([
        ['a', 1_030],
        ['b', 2_006],
      ]),
    };
    expect(hopsOf(orders, times)).toEqual({ toCommand: [4, 10], toEvents: [2, 20], toFill: [14, 20] });
  });

  it('say where the slowest orders spent their time: the median of each hop among them', () => {
    // Twenty orders: eighteen quick ones (10 ms, most of it to the fill), two slow in the API (a stall before the
    // command) and two slow to the fill; one more slow order that Kafka's topics did not show is left out.
    const orders: TimedOrder[] = [];
    const times: KafkaTimes = { commands: new Map(), takings: new Map() };
    const add = (orderId: string, toCommand: number, toEvents: number, toFill: number) => {
      const sentAt = 1_000 * (orders.length + 1);
      orders.push({ orderId, sentAt, filledAt: sentAt + toCommand + toEvents + toFill });
      times.commands.set(orderId, sentAt + toCommand);
      times.takings.set(orderId, sentAt + toCommand + toEvents);
    };
    for (let i = 0; i < 16; i++) add(`quick ${i}`, 2, 1, 7);
    add('stalled in the API', 60, 1, 9);
    add('stalled in the API too', 50, 2, 8);
    add('slow to the fill', 3, 1, 40);
    add('slow to the fill too', 2, 1, 45);
    orders.push({ orderId: 'not in Kafka', sentAt: 99_000, filledAt: 99_500 });

    expect(slowestHops(orders, times, 0.2)).toEqual({ trades: 4, total: 60, toCommand: 50, toEvents: 1, toFill: 40 });
    expect(slowestHops(orders, times, 0.1)).toEqual({ trades: 2, total: 70, toCommand: 60, toEvents: 2, toFill: 9 });
    // Too few orders for the fraction: the slowest one still.
    expect(slowestHops(orders, times, 0.001)).toEqual({ trades: 1, total: 70, toCommand: 60, toEvents: 1, toFill: 9 });
    expect(slowestHops(orders, { commands: new Map(), takings: new Map() }, 0.01)).toBeNull();
  });

  describe('read back from Kafka', () => {
    let broker: RunningBroker;
    let kafka: Kafka;
    let producer: Producer;

    beforeAll(async () => {
      broker = await startBroker({ port: 0, partitions: 3 });
      kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'hops-test', logLevel: logLevel.NOTHING });
      producer = kafka.producer();
      await producer.connect();
    });

    afterAll(async () => {
      await producer?.disconnect();
      await broker?.stop();
    });

    it('find the named orders’ commands (a command sent again: its first copy) and the first events where each took liquidity, from the given time on', async () => {
      const book = new ContractBook(PETR4);
      // A fraction of a millisecond, as the bench's clock gives it.
      const since = Date.now() - 60_000 + 0.25;
      let at = Math.floor(since);
      const sent = new Map<string, number>();
      const send = async (topic: string, value: string, key: string) => {
        sent.set(key, (at += 10));
        await producer.send({ topic, messages: [{ key: 'PETR4', value, timestamp: String(at) }] });
      };
      const run = async (command: OrderCommand) => {
        if (command.type === 'place_order') await send(TOPICS.orderCommands, encodeCommand(command), command.orderId);
        await send(TOPICS.engineEvents, encodeEngineEvents(book.apply(command)), `events of ${command.commandId}`);
      };
      // Before `since`: a command of an order the bench timed is not read.
      const early = place(SELLER, 'sell', 3500, 30);
      await producer.send({
        topic: TOPICS.orderCommands,
        messages: [{ key: 'PETR4', value: encodeCommand(early), timestamp: String(Math.floor(since) - 5_000) }],
      });
      const resting = place(SELLER, 'sell', 3500, 30);
      const taker = place(BUYER, 'buy', 3500, 50);
      const notTimed = place(SELLER, 'sell', 3505, 20);
      for (const command of [resting, taker, notTimed]) await run(command);
      // The resting order's command sent again later (its first answer lost): its first copy's time counts.
      await producer.send({
        topic: TOPICS.orderCommands,
        messages: [{ key: 'PETR4', value: encodeCommand(resting), timestamp: String((at += 10)) }],
      });
      // The taker's rest takes again when amended up to the offer: its first taking is what counts.
      const amend: AmendOrderCommand = {
        schemaVersion: 1,
        commandId: randomUUID(),
        symbol: 'PETR4',
        traceId: taker.traceId,
        timestamp: Date.now(),
        type: 'amend_order',
        orderId: taker.orderId,
        accountId: BUYER,
        clientOrderId: null,
        price: 3505,
        quantity: null,
      };
      await run(amend);
      const timed = new Set([early.orderId, resting.orderId, taker.orderId]);

      const times = await readKafkaTimes([broker.bootstrap], since, timed);

      expect(times.commands).toEqual(
        new Map([
          [resting.orderId, sent.get(resting.orderId)],
          [taker.orderId, sent.get(taker.orderId)],
        ]),
      );
      expect(times.takings).toEqual(new Map([[taker.orderId, sent.get(`events of ${taker.commandId}`)]]));
      expect(sent.get(`events of ${amend.commandId}`)).toBeGreaterThan(sent.get(`events of ${taker.commandId}`)!);
    });
  });
});
