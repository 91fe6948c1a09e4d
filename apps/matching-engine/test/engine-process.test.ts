import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_INSTRUMENTS,
  decodeEvents,
  encodeCommand,
  TOPICS,
  type EngineEvent,
  type OrderCommand,
} from '@bolsa/contracts';
import { ApiKey, startBroker, type RunningBroker } from '@bolsa/kafka-broker';
import { FaultProxy } from '@bolsa/kafka-broker/testing';
import { ContractBook } from '@bolsa/order-book';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderFlow } from './commands.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
const main = fileURLToPath(new URL('../dist/src/main.js', import.meta.url));
const SYMBOLS = ['PETR4', 'VALE3', 'ITUB4', 'BBDC4'];

let broker: RunningBroker;
const engines: ChildProcess[] = [];
let kafka: Kafka;

beforeAll(async () => {
  broker = await startBroker({ partitions: 3 });
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'engine-tests', logLevel: logLevel.NOTHING });
});

/** Snapshot directories the tests made, removed at the end. */
const scratch: string[] = [];
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

afterAll(async () => {
  // A test that failed on a timeout never reached its own stop: its engine must not outlive the suite.
  for (const engine of engines) if (engine.exitCode === null && engine.signalCode === null) engine.kill('SIGKILL');
  await broker.stop();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function startEngine(snapshotDir: string, groupId: string, logs?: string[], brokers = broker.bootstrap): ChildProcess {
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      KAFKA_BROKERS: brokers,
      SNAPSHOT_DIR: snapshotDir,
      ENGINE_GROUP_ID: groupId,
      SNAPSHOT_EVERY_COMMANDS: '50',
      SNAPSHOT_EVERY_MS: '200',
      METRICS_PORT: '0',
      LOG_LEVEL: logs === undefined ? 'warn' : 'info',
    },
    stdio: ['ignore', logs === undefined ? 'ignore' : 'pipe', 'inherit'],
  });
  child.stdout?.on('data', (chunk: Buffer) => logs?.push(...chunk.toString().split('\n').filter(Boolean)));
  engines.push(child);
  return child;
}

async function send(commands: OrderCommand[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  for (let i = 0; i < commands.length; i += 50) {
    await producer.send({
      topic: TOPICS.orderCommands,
      messages: commands.slice(i, i + 50).map((command) => ({ key: command.symbol, value: encodeCommand(command) })),
    });
  }
  await producer.disconnect();
}

/**
 * Every event on the events topic (each with its message's number and trace header), waiting until `count` have
 * arrived and a moment passes with no more.
 */
async function readEvents(count: number): Promise<{ event: EngineEvent; message: number; traceHeader: string }[]> {
  const consumer = kafka.consumer({ groupId: `reader-${Math.random()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPICS.engineEvents], fromBeginning: true });
  const events: { event: EngineEvent; message: number; traceHeader: string }[] = [];
  let messages = 0;
  await consumer.run({
    eachMessage: async ({ message }) => {
      const decoded = decodeEvents(message.value!);
      if (!decoded.ok) throw new Error(decoded.error.message);
      const traceHeader = message.headers?.['trace-id']?.toString() ?? '';
      messages++;
      for (const event of decoded.value) events.push({ event, message: messages, traceHeader });
    },
  });
  const deadline = Date.now() + 60_000;
  while (events.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await consumer.disconnect();
  return events;
}

/** Messages on the events topic: one per command that caused events. */
async function publishedCount(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(TOPICS.engineEvents)).reduce((sum, p) => sum + Number(p.high), 0);
  } catch {
    return 0;
  } finally {
    await admin.disconnect();
  }
}

/** Runs `test` on a broker of its own: an engine in a new group reads the command log from the beginning. */
async function withOwnBroker(test: () => Promise<void>): Promise<void> {
  const shared = { broker, kafka };
  broker = await startBroker({ partitions: 3 });
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'engine-tests', logLevel: logLevel.NOTHING });
  try {
    await test();
  } finally {
    await broker.stop();
    ({ broker, kafka } = shared);
  }
}

/** The events of each command that causes any, as the engine should publish them: one message per command. */
function expectedMessages(commands: OrderCommand[]): EngineEvent[][] {
  const books = new Map(DEFAULT_INSTRUMENTS.map((instrument) => [instrument.symbol, new ContractBook(instrument)]));
  return commands.map((command) => books.get(command.symbol)!.apply(command)).filter((events) => events.length > 0);
}

function bySymbol(events: EngineEvent[]): Record<string, EngineEvent[]> {
  const grouped: Record<string, EngineEvent[]> = {};
  for (const event of events) (grouped[event.symbol] ??= []).push(event);
  for (const list of Object.values(grouped)) list.sort((a, b) => a.sequence - b.sequence);
  return grouped;
}

/**
 * Runs `test` on a broker of its own that clients reach through a FaultProxy, which stops the engine's
 * (client id `matching-engine`) requests when told to.
 */
async function withFaultProxy(test: (proxy: FaultProxy, brokers: string) => Promise<void>): Promise<void> {
  const shared = { broker, kafka };
  const proxy = new FaultProxy('matching-engine');
  const proxyPort = await proxy.listen();
  const brokers = `127.0.0.1:${proxyPort}`;
  broker = await startBroker({ partitions: 3, advertisedHost: '127.0.0.1', advertisedPort: proxyPort });
  proxy.brokerPort = broker.port;
  kafka = new Kafka({ brokers: [brokers], clientId: 'engine-tests', logLevel: logLevel.NOTHING });
  try {
    await test(proxy, brokers);
  } finally {
    await proxy.close();
    await broker.stop();
    ({ broker, kafka } = shared);
  }
}

/** Sends a third of `commands`, waits for the engine's first events, calls `fault`, then sends the rest. */
async function sendWithFault(commands: OrderCommand[], fault: () => void): Promise<void> {
  const third = Math.floor(commands.length / 3);
  await send(commands.slice(0, third));
  while ((await publishedCount()) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  fault();
  await send(commands.slice(third));
}

/** Reads the events topic until `expected` have arrived, and holds them to it, symbol by symbol. */
async function expectPublishedOnce(expected: EngineEvent[]): Promise<void> {
  const events = (await readEvents(expected.length)).map((entry) => entry.event);
  expect(events.length).toBe(expected.length);
  const actual = bySymbol(events);
  for (const [symbol, wanted] of Object.entries(bySymbol(expected))) expect(actual[symbol]).toEqual(wanted);
}

async function stopEngine(engine: ChildProcess): Promise<void> {
  if (engine.exitCode !== null || engine.signalCode !== null) return;
  engine.kill('SIGTERM');
  await new Promise((resolve) => engine.once('exit', resolve));
}

describe('the matching engine process', () => {
  it('skips messages that are not commands, saying so, and goes on with the commands after them', async () => {
    await withOwnBroker(async () => {
      const commands = orderFlow(400, SYMBOLS, 23);
      const junk = [
        Buffer.from('not json at all'),
        Buffer.from('{"type":"place_order","symbol":"PETR4"}'),
        Buffer.from([0xff, 0xfe, 0x00, 0x01]),
        Buffer.alloc(0),
      ];
      // Each junk message lands among real commands of the partition it is keyed to.
      const messages = commands.flatMap((command, index) => {
        const real = { key: command.symbol, value: encodeCommand(command) };
        const spoiled = index % 40 === 0 ? junk[(index / 40) % junk.length]! : null;
        return spoiled === null ? [real] : [{ key: command.symbol, value: spoiled }, real];
      });
      const producer = kafka.producer({ idempotent: true });
      await producer.connect();
      await producer.send({ topic: TOPICS.orderCommands, messages });
      await producer.disconnect();
      const logs: string[] = [];
      const engine = startEngine(scratchDir('bolsa-engine-'), 'engine-junk', logs);
      try {
        await expectPublishedOnce(expectedMessages(commands).flat());
        const skipped = logs.filter((line) => line.includes('skipping an order command that does not decode'));
        expect(skipped).toHaveLength(messages.length - commands.length);
        expect(engine.exitCode).toBeNull();
      } finally {
        await stopEngine(engine);
      }
    });
  });

  it('waits at a command of a newer schema version: what came before is published, nothing after it on its partition', async () => {
    await withOwnBroker(async () => {
      const snapshotDir = scratchDir('bolsa-engine-');
      const commands = orderFlow(400, SYMBOLS, 29);
      // Partitions chosen here rather than by key hash, so that which symbols share the waiting one is known.
      const partitionOf: Record<string, number> = { PETR4: 0, VALE3: 1, ITUB4: 2, BBDC4: 0 };
      const at = commands.findIndex((command, index) => index >= 200 && command.symbol === 'PETR4');
      const newer = JSON.stringify({
        ...commands[at],
        commandId: '6f1c1d2e-0000-4000-8000-000000000001',
        schemaVersion: 2,
      });
      const messages = commands.map((command) => ({
        key: command.symbol,
        value: encodeCommand(command),
        partition: partitionOf[command.symbol]!,
      }));
      messages.splice(at, 0, { key: 'PETR4', value: newer, partition: 0 });
      const producer = kafka.producer({ idempotent: true });
      await producer.connect();
      await producer.send({ topic: TOPICS.orderCommands, messages });
      await producer.disconnect();
      const readable = commands.filter((command, index) => partitionOf[command.symbol] !== 0 || index < at);
      expect(readable.length).toBeLessThan(commands.length - 50);

      const logs: string[] = [];
      let engine = startEngine(snapshotDir, 'engine-newer', logs);
      try {
        await expectPublishedOnce(expectedMessages(readable).flat());
        expect(logs.some((line) => line.includes('this partition waits for an engine that reads it'))).toBe(true);
        const metricsUrl = logs
          .map((line) => JSON.parse(line) as { msg: string; metrics?: string })
          .find((line) => line.msg === 'metrics served')!.metrics!;
        const metrics = await (await fetch(metricsUrl)).text();
        expect(metrics).toContain('engine_partition_waiting{partition="0"} 1');
        expect(metrics).not.toContain('engine_partition_waiting{partition="1"}');
        expect(metrics).toMatch(/engine_commands_total\{outcome="unsupported_version"\} [1-9]/);
        expect(engine.exitCode).toBeNull();

        // Started again from its snapshots, it waits at the same command: nothing published twice, nothing skipped.
        await stopEngine(engine);
        logs.length = 0;
        engine = startEngine(snapshotDir, 'engine-newer', logs);
        await expect
          .poll(() => logs.some((line) => line.includes('waits for an engine that reads it')), { timeout: 20_000 })
          .toBe(true);
        await expectPublishedOnce(expectedMessages(readable).flat());
      } finally {
        await stopEngine(engine);
      }
    });
  });

  it('survives SIGKILL mid-stream: every command matched once, no event lost or published twice', async () => {
    const snapshotDir = scratchDir('bolsa-engine-');
    const commands = orderFlow(3000, SYMBOLS, 7);
    const messages = expectedMessages(commands);
    const expected = messages.flat();

    let engine = startEngine(snapshotDir, 'engine-crash');
    const sending = send(commands);
    // Kill it once it is well into the stream, with commands still arriving.
    let publishedAtCrash = 0;
    while (publishedAtCrash < messages.length / 10) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      publishedAtCrash = await publishedCount();
    }
    engine.kill('SIGKILL');
    await new Promise((resolve) => engine.once('exit', resolve));
    publishedAtCrash = await publishedCount();
    expect(publishedAtCrash).toBeLessThan(messages.length);
    await sending;
    engine = startEngine(snapshotDir, 'engine-crash');
    try {
      const received = await readEvents(expected.length);
      const events = received.map((entry) => entry.event);
      expect(events.length).toBe(expected.length);
      const actual = bySymbol(events);
      const wanted = bySymbol(expected);
      expect(Object.keys(actual).sort()).toEqual(Object.keys(wanted).sort());
      for (const symbol of Object.keys(wanted)) expect(actual[symbol]).toEqual(wanted[symbol]);
      expect(received.every((entry) => entry.traceHeader === entry.event.traceId)).toBe(true);
      // Each command's events travel together, in a message of their own.
      const commandsByMessage = new Map<number, Set<string>>();
      for (const { message, event } of received) {
        commandsByMessage.set(message, (commandsByMessage.get(message) ?? new Set()).add(event.commandId));
      }
      expect(commandsByMessage.size).toBe(messages.length);
      expect([...commandsByMessage.values()].every((ids) => ids.size === 1)).toBe(true);
    } finally {
      engine.kill('SIGTERM');
      await new Promise((resolve) => engine.once('exit', resolve));
    }
  });

  it('stops cleanly on SIGTERM mid-stream (snapshots saved) and resumes without loss or repeats', async () => {
    await withOwnBroker(async () => {
      const snapshotDir = scratchDir('bolsa-engine-');
      const commands = orderFlow(2000, SYMBOLS, 11);
      const messages = expectedMessages(commands);
      const expected = messages.flat();
      const logs: string[] = [];
      let engine = startEngine(snapshotDir, 'engine-graceful', logs);
      const sending = send(commands);
      while ((await publishedCount()) < messages.length / 5) await new Promise((resolve) => setTimeout(resolve, 20));
      engine.kill('SIGTERM');
      const code = await new Promise((resolve) => engine.once('exit', resolve));
      expect(code).toBe(0);
      expect(logs.filter((line) => line.includes('stopping failed'))).toEqual([]);
      expect(readdirSync(snapshotDir).length).toBeGreaterThan(0);
      await sending;
      engine = startEngine(snapshotDir, 'engine-graceful');
      try {
        const events = (await readEvents(expected.length)).map((entry) => entry.event);
        expect(events.length).toBe(expected.length);
        const actual = bySymbol(events);
        for (const [symbol, wanted] of Object.entries(bySymbol(expected))) expect(actual[symbol]).toEqual(wanted);
      } finally {
        engine.kill('SIGTERM');
        await new Promise((resolve) => engine.once('exit', resolve));
      }
    });
  });

  it('sets an unreadable snapshot aside and rebuilds its partition from the command log, publishing nothing twice', async () => {
    await withOwnBroker(async () => {
      const snapshotDir = scratchDir('bolsa-engine-');
      const commands = orderFlow(1500, SYMBOLS, 31);
      let engine = startEngine(snapshotDir, 'engine-unreadable');
      await send(commands.slice(0, 750));
      while ((await publishedCount()) < 100) await new Promise((resolve) => setTimeout(resolve, 20));
      await stopEngine(engine);
      // Cut short, as a machine that stopped mid-write could leave them.
      const snapshots = readdirSync(snapshotDir).filter((name) => name.endsWith('.json'));
      expect(snapshots.length).toBeGreaterThan(0);
      for (const name of snapshots) {
        const path = join(snapshotDir, name);
        const text = readFileSync(path, 'utf8');
        writeFileSync(path, text.slice(0, text.length / 2));
      }
      const logs: string[] = [];
      engine = startEngine(snapshotDir, 'engine-unreadable', logs);
      try {
        await send(commands.slice(750));
        await expectPublishedOnce(expectedMessages(commands).flat());
        expect(engine.exitCode).toBe(null);
        // Joined: a long line may come in two chunks.
        expect(logs.join('')).toContain('unreadable snapshot set aside');
        const setAside = readdirSync(snapshotDir).filter((name) => name.includes('.json.unreadable-'));
        expect(setAside.length).toBe(snapshots.length);
      } finally {
        await stopEngine(engine);
      }
    });
  });

  it('exits saying why when a snapshot does not fit its partition, rather than stalling it', async () => {
    await withOwnBroker(async () => {
      const snapshotDir = scratchDir('bolsa-engine-');
      let engine = startEngine(snapshotDir, 'engine-misfit');
      await send(orderFlow(300, SYMBOLS, 37));
      while ((await publishedCount()) < 50) await new Promise((resolve) => setTimeout(resolve, 20));
      await stopEngine(engine);
      // Every partition's file holds a snapshot of the next partition.
      const [name] = readdirSync(snapshotDir).filter((file) => file.endsWith('.json'));
      const snapshot = JSON.parse(readFileSync(join(snapshotDir, name!), 'utf8')) as { partition: number };
      for (const partition of [0, 1, 2]) {
        const misfit = JSON.stringify({ ...snapshot, partition: (partition + 1) % 3 });
        writeFileSync(join(snapshotDir, `partition-${partition}.json`), misfit);
      }
      const logs: string[] = [];
      engine = startEngine(snapshotDir, 'engine-misfit', logs);
      const exited = new Promise((resolve) => engine.once('exit', resolve));
      await send(orderFlow(30, SYMBOLS, 41));
      expect(await exited).toBe(1);
      expect(logs.join('')).toMatch(/snapshot of another partition.*a partition cannot be recovered/);
    });
  });

  // A broker that lost what it had acknowledged: here, another broker. Its log shorter than the snapshots expect, or
  // as long or longer with other commands in it (the lost ones' offsets taken by new ones).
  it.each([
    { log: 'shorter', commands: 20, seed: 47 },
    { log: 'longer, with other commands', commands: 3000, seed: 53 },
  ])(
    'exits saying why when its snapshots applied commands the command log does not have ($log), rather than skip new ones',
    async ({ commands, seed }) => {
      const snapshotDir = scratchDir('bolsa-engine-');
      await withOwnBroker(async () => {
        const engine = startEngine(snapshotDir, 'engine-lost-log');
        await send(orderFlow(600, SYMBOLS, 43));
        while ((await publishedCount()) < 200) await new Promise((resolve) => setTimeout(resolve, 20));
        await stopEngine(engine);
      });
      await withOwnBroker(async () => {
        await send(orderFlow(commands, SYMBOLS, seed));
        const logs: string[] = [];
        const engine = startEngine(snapshotDir, 'engine-lost-log', logs);
        const exited = new Promise((resolve) => engine.once('exit', resolve));
        const running = new Promise((resolve) => setTimeout(() => resolve('still running'), 30_000));
        try {
          expect(await Promise.race([exited, running])).toBe(1);
          expect(logs.join('')).toMatch(/the broker lost records it had acknowledged.*a partition cannot be recovered/);
        } finally {
          await stopEngine(engine);
        }
      });
    },
    60_000,
  );

  it('splits the partitions between two engines in one group, and still publishes each event once', async () => {
    // A broker of its own: the engines must start from an empty command log.
    const shared = { broker, kafka };
    broker = await startBroker({ partitions: 3 });
    kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'engine-tests', logLevel: logLevel.NOTHING });
    const snapshotDir = scratchDir('bolsa-engines-');
    const commands = orderFlow(1500, SYMBOLS, 11);
    const expected = expectedMessages(commands).flat();
    const firstLogs: string[] = [];
    const secondLogs: string[] = [];
    const first = startEngine(snapshotDir, 'engine-pair', firstLogs);
    const second = startEngine(snapshotDir, 'engine-pair', secondLogs);
    try {
      await send(commands);
      const received = await readEvents(expected.length);
      expect(received).toHaveLength(expected.length);
      const actual = bySymbol(received.map((entry) => entry.event));
      const wanted = bySymbol(expected);
      for (const symbol of Object.keys(wanted)) expect(actual[symbol]).toEqual(wanted[symbol]);
      const assigned = (logs: string[]) =>
        logs
          .filter((line) => line.includes('partitions assigned'))
          .map((line) => (JSON.parse(line) as { partitions: number[] }).partitions)
          .at(-1) ?? [];
      // The second engine's join completes once the first rejoins at its next heartbeat.
      const deadline = Date.now() + 30_000;
      let split = [assigned(firstLogs), assigned(secondLogs)];
      while (split.some((partitions) => partitions.length === 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        split = [assigned(firstLogs), assigned(secondLogs)];
      }
      expect(split.every((partitions) => partitions.length > 0)).toBe(true);
      expect(split.flat().sort()).toEqual([0, 1, 2]);
    } finally {
      for (const engine of [first, second]) {
        engine.kill('SIGTERM');
        await new Promise((resolve) => engine.once('exit', resolve));
      }
      await broker.stop();
      ({ broker, kafka } = shared);
    }
  });

  it('publishes every event once when its sends keep failing for a while (the idempotent producer retries them)', async () => {
    await withFaultProxy(async (proxy, brokers) => {
      const commands = orderFlow(1500, SYMBOLS, 13);
      const engine = startEngine(scratchDir('bolsa-engine-'), 'engine-cut', undefined, brokers);
      try {
        // One more cut than the 6 attempts kafkajs makes at a send by default (retries: 5), so a producer that gave
        // up would lose the events of commands its books applied (this fails with retries: 3). Not more: each
        // attempt waits twice as long as the last (7 cuts: ~19 s of back-off at worst).
        await sendWithFault(commands, () => proxy.cut(ApiKey.Produce, 7));
        await expectPublishedOnce(expectedMessages(commands).flat());
        expect(proxy.cuts).toBe(7);
      } finally {
        await stopEngine(engine);
      }
    });
  }, 120_000);

  it('goes on through a broker restart that forgot its group (no exit): every event published once', async () => {
    const shared = { broker, kafka };
    const dataDir = scratchDir('bolsa-kafka-');
    broker = await startBroker({ partitions: 3, dataDir });
    kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'engine-tests', logLevel: logLevel.NOTHING });
    const logs: string[] = [];
    const engine = startEngine(scratchDir('bolsa-engine-'), 'engine-broker-restart', logs);
    try {
      const commands = orderFlow(1500, SYMBOLS, 23);
      // Commands before and after the broker went away; back, it has its logs and offsets but knows no member.
      await send(commands.slice(0, 750));
      while ((await publishedCount()) < 10) await new Promise((resolve) => setTimeout(resolve, 50));
      const port = broker.port;
      await broker.stop();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      broker = await startBroker({ partitions: 3, dataDir, port });
      await send(commands.slice(750));
      await expectPublishedOnce(expectedMessages(commands).flat());
      expect(engine.exitCode).toBe(null);
      expect(logs.some((line) => line.includes('its offset not committed'))).toBe(true);
    } finally {
      await stopEngine(engine);
      await broker.stop();
      ({ broker, kafka } = shared);
    }
  }, 120_000);

  // Errors kafkajs does not retry. A refused send (TOPIC_AUTHORIZATION_FAILED) fails after the books applied its
  // commands, so consuming on would skip them as applied (their events lost). A refused heartbeat
  // (GROUP_AUTHORIZATION_FAILED; one goes at least every 3 s) makes kafkajs disconnect the consumer for good.
  it.each([
    { stopped: 'a send', kind: ApiKey.Produce, errorCode: 29, log: 'Kafka refused events for good', seed: 17 },
    { stopped: 'its consumer', kind: ApiKey.Heartbeat, errorCode: 30, log: 'stopped the command consumer', seed: 19 },
  ] as const)(
    'exits when Kafka stops $stopped for good, and once started again publishes every event once',
    async ({ kind, errorCode, log, seed }) => {
      await withFaultProxy(async (proxy, brokers) => {
        const snapshotDir = scratchDir('bolsa-engine-');
        const commands = orderFlow(1500, SYMBOLS, seed);
        const logs: string[] = [];
        let engine = startEngine(snapshotDir, 'engine-refused', logs, brokers);
        const exited = new Promise((resolve) => engine.once('exit', resolve));
        try {
          await sendWithFault(commands, () => proxy.refuse(kind, 1, errorCode));
          expect(await exited).toBe(1);
          expect(proxy.refusals).toBe(1);
          expect(logs.some((line) => line.includes(log))).toBe(true);
          engine = startEngine(snapshotDir, 'engine-refused', undefined, brokers);
          await expectPublishedOnce(expectedMessages(commands).flat());
        } finally {
          await stopEngine(engine);
        }
      });
    },
    120_000,
  );
});
