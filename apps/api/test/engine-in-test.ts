import { DEFAULT_INSTRUMENTS, decodeCommand, encodeEvents, TOPICS, type Instrument } from '@bolsa/contracts';
import { ContractBook } from '@bolsa/order-book';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import { startTestApi, type TestApi } from './support.js';

/**
 * The real matching core run inside the test process: it reads the commands the API publishes, applies them to
 * one ContractBook per symbol (of `instruments`: the API's), and publishes the resulting events, as the matching engine service does.
 */
export async function startInTestEngine(
  bootstrap: string,
  instruments: readonly Instrument[] = DEFAULT_INSTRUMENTS,
): Promise<{
  /** Stops taking commands (they wait in Kafka), as a busy or restarting engine would. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}> {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'in-test-engine', logLevel: logLevel.NOTHING });
  const books = new Map(instruments.map((instrument) => [instrument.symbol, new ContractBook(instrument)]));
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: 'in-test-engine', maxWaitTimeInMs: 50 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: [TOPICS.orderCommands], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const decoded = decodeCommand(message.value!);
      if (!decoded.ok) return;
      const events = books.get(decoded.value.symbol)?.apply(decoded.value) ?? [];
      if (events.length === 0) return;
      await producer.send({
        topic: TOPICS.engineEvents,
        messages: [{ key: events[0]!.symbol, value: encodeEvents(events) }],
      });
    },
  });
  return {
    pause: () => consumer.pause([{ topic: TOPICS.orderCommands }]),
    resume: () => consumer.resume([{ topic: TOPICS.orderCommands }]),
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

/**
 * For a test file: a test API (its own broker and database, configured by `environment`) with the in-test engine
 * answering its commands, started before the file's tests (then `prepare`d) and stopped after them. Call the returned
 * function in a test to reach the API.
 */
export function apiWithEngine(
  environment: Record<string, string> = {},
  prepare: (api: TestApi) => Promise<void> = async () => {},
): () => TestApi {
  let api: TestApi | undefined;
  let engine: { stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    api = await startTestApi(environment);
    await prepare(api);
    engine = await startInTestEngine(api.broker.bootstrap);
  });
  afterAll(async () => {
    await engine?.stop();
    await api?.stop();
  });
  return () => api!;
}
