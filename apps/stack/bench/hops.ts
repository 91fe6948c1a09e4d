import { decodeCommand, decodeEvents, TOPICS } from '@bolsa/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { ascending, percentile } from './tail.js';

/** When an order's command left the API, and when the events of its taking left the engine (epoch ms). */
export interface KafkaTimes {
  readonly commands: Map<string, number>;
  readonly takings: Map<string, number>;
}

/** One timed order: sent and filled (epoch ms, the bench's clock), with what Kafka's timestamps say in between. */
export interface TimedOrder {
  readonly orderId: string;
  readonly sentAt: number;
  readonly filledAt: number;
}

/** Each hop's durations in ms, sorted, for the orders whose command and events were both found. */
export interface Hops {
  readonly toCommand: number[];
  readonly toEvents: number[];
  readonly toFill: number[];
}

/** One order's POST → fill and its three hops (ms). */
interface SplitOrder {
  readonly total: number;
  readonly toCommand: number;
  readonly toEvents: number;
  readonly toFill: number;
}

/**
 * Splits each order's POST → fill time at its command's and its events' Kafka timestamps (each set by the producer
 * as it sends, on the same machine and clock as the bench), skipping orders not found in both.
 */
function split(orders: readonly TimedOrder[], times: KafkaTimes): SplitOrder[] {
  const rows: SplitOrder[] = [];
  for (const order of orders) {
    const command = times.commands.get(order.orderId);
    const events = times.takings.get(order.orderId);
    if (command === undefined || events === undefined) continue;
    rows.push({
      total: order.filledAt - order.sentAt,
      toCommand: command - order.sentAt,
      toEvents: events - command,
      toFill: order.filledAt - events,
    });
  }
  return rows;
}

/** Each hop's durations of the orders found in both topics, each hop sorted on its own. */
export function hopsOf(orders: readonly TimedOrder[], times: KafkaTimes): Hops {
  const rows = split(orders, times);
  return {
    toCommand: ascending(rows.map((row) => row.toCommand)),
    toEvents: ascending(rows.map((row) => row.toEvents)),
    toFill: ascending(rows.map((row) => row.toFill)),
  };
}

/** How many orders, their median POST → fill and the median of each hop (ms; each median its own). */
export interface MedianHops extends SplitOrder {
  readonly trades: number;
}

/**
 * Where the tail's time goes: the medians of the slowest `fraction` of the orders found in both topics, by POST →
 * fill (one order at least), so that a tail from one stall, where every hop grows at once, tells itself from one of
 * a single hop. Null when no order was found.
 */
export function slowestHops(orders: readonly TimedOrder[], times: KafkaTimes, fraction: number): MedianHops | null {
  const rows = split(orders, times).sort((a, b) => a.total - b.total);
  if (rows.length === 0) return null;
  const slowest = rows.slice(Math.min(rows.length - 1, Math.floor(rows.length * (1 - fraction))));
  const median = (hop: keyof SplitOrder) => percentile(ascending(slowest.map((row) => row[hop])), 0.5);
  return {
    trades: slowest.length,
    total: median('total'),
    toCommand: median('toCommand'),
    toEvents: median('toEvents'),
    toFill: median('toFill'),
  };
}

const READ_TIMEOUT_MS = 60_000;

/**
 * Reads both topics from `since` (epoch ms; a fraction is dropped, as kafkajs takes whole ones) to their ends, after
 * the run so as not to take CPU from it, keeping the timestamps of the named orders' place commands and of the first
 * events message where each of them took liquidity (a trade naming it as taker).
 */
export async function readKafkaTimes(
  brokers: readonly string[],
  since: number,
  orderIds: ReadonlySet<string>,
): Promise<KafkaTimes> {
  const kafka = new Kafka({ brokers: [...brokers], clientId: 'bench-hops', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const consumer = kafka.consumer({ groupId: `bench-hops-${process.pid}-${since}`, maxWaitTimeInMs: 100 });
  const times: KafkaTimes = { commands: new Map(), takings: new Map() };
  await admin.connect();
  try {
    const topics = [TOPICS.orderCommands, TOPICS.engineEvents];
    const starts = await Promise.all(
      topics.map((topic) => admin.fetchTopicOffsetsByTimestamp(topic, Math.floor(since))),
    );
    const ends = await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic)));
    // What is left to read in each partition: from its start to its end when the run was over.
    const left = new Map<string, number>();
    topics.forEach((topic, index) => {
      for (const { partition, high } of ends[index]!) {
        const start = Number(starts[index]!.find((entry) => entry.partition === partition)?.offset ?? high);
        if (Number(high) > start) left.set(`${topic}/${partition}`, Number(high));
      }
    });
    if (left.size === 0) return times;
    let finish = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    await consumer.connect();
    await consumer.subscribe({ topics });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const at = Number(message.timestamp);
          if (batch.topic === TOPICS.orderCommands) {
            const command = decodeCommand(message.value ?? '');
            // A command sent again (its first send's answer lost) keeps the time of its first copy.
            const placed = command.ok && command.value.type === 'place_order' ? command.value.orderId : null;
            if (placed !== null && orderIds.has(placed) && !times.commands.has(placed)) times.commands.set(placed, at);
          } else {
            const events = decodeEvents(message.value ?? '');
            for (const event of events.ok ? events.value : []) {
              if (
                event.type === 'trade' &&
                orderIds.has(event.takerOrderId) &&
                !times.takings.has(event.takerOrderId)
              ) {
                times.takings.set(event.takerOrderId, at);
              }
            }
          }
        }
        const key = `${batch.topic}/${batch.partition}`;
        if (Number(batch.lastOffset()) + 1 >= (left.get(key) ?? 0)) left.delete(key);
        if (left.size === 0) finish();
      },
    });
    topics.forEach((topic, index) => {
      for (const { partition, offset } of starts[index]!) consumer.seek({ topic, partition, offset });
    });
    // Should a partition's end never come (the broker gone), what was read so far is enough: the hops line says
    // how many trades it found.
    await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, READ_TIMEOUT_MS).unref())]);
    return times;
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
}
