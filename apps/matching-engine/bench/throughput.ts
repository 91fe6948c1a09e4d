/**
 * The matching engine alone, as a process: what each command costs it in CPU and how long it takes from a command
 * reaching the broker to its events being published. A broker (in this process) gets placements in a crossing flow
 * over five symbols (a sell, then a buy at its price, so every second one trades), and the built engine is started
 * on it. Two phases: (1) a backlog of BENCH_COMMANDS, timed from the first published event to the last, as after a
 * restart; (2) BENCH_RATE commands a second for BENCH_SECONDS, sent every 5 ms as the API's grouped sends do, each
 * timed from its send to its events arriving at a consumer here. Figures, not assertions.
 *
 *   pnpm --filter @bolsa/matching-engine build && pnpm --filter @bolsa/matching-engine bench
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCommand, HEADERS, TOPICS, type PlaceOrderCommand } from '@bolsa/contracts';
import { startBroker } from '@bolsa/kafka-broker';
import { Kafka, logLevel, type Producer } from 'kafkajs';

const BACKLOG = Number(process.env.BENCH_COMMANDS ?? 60_000);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const PACED_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SYMBOLS = ['PETR4', 'VALE3', 'ITUB4', 'BBDC4', 'ABEV3'];
const ACCOUNTS = [randomUUID(), randomUUID()];
const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.js');

let made = 0;
function placement(): PlaceOrderCommand {
  const n = made++;
  const sell = n % 2 === 0;
  return {
    schemaVersion: 1,
    commandId: randomUUID(),
    symbol: SYMBOLS[Math.floor(n / 2) % SYMBOLS.length]!,
    traceId: randomUUID().replaceAll('-', ''),
    timestamp: Date.now(),
    type: 'place_order',
    orderId: randomUUID(),
    accountId: ACCOUNTS[sell ? 0 : 1]!,
    clientOrderId: null,
    side: sell ? 'sell' : 'buy',
    orderType: 'limit',
    timeInForce: 'GTC',
    price: 3500,
    stopPrice: null,
    trailingOffset: null,
    protectionPrice: null,
    quantity: 10,
    postOnly: false,
    selfTradePrevention: 'cancel_oldest',
  };
}

function send(producer: Producer, commands: PlaceOrderCommand[]): Promise<unknown> {
  return producer.send({
    topic: TOPICS.orderCommands,
    messages: commands.map((command) => ({
      key: command.symbol,
      value: encodeCommand(command),
      headers: { [HEADERS.traceId]: command.traceId },
    })),
  });
}

/** User plus system CPU seconds a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const broker = await startBroker({ partitions: 3 });
const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'engine-bench', logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({
  topics: [
    { topic: TOPICS.orderCommands, numPartitions: 3 },
    { topic: TOPICS.engineEvents, numPartitions: 3 },
  ],
});
const producer = kafka.producer();
await producer.connect();
for (let from = 0; from < BACKLOG; from += 1000) {
  await send(producer, Array.from({ length: Math.min(1000, BACKLOG - from) }, placement));
}

// Each command's events come back as one message carrying its trace id.
const sentAt = new Map<string, number>();
const latencies: number[] = [];
const reader = kafka.consumer({ groupId: `engine-bench-${randomUUID()}`, maxWaitTimeInMs: 100 });
await reader.connect();
await reader.subscribe({ topics: [TOPICS.engineEvents], fromBeginning: false });
await reader.run({
  eachMessage: async ({ message }) => {
    const sent = sentAt.get(message.headers?.[HEADERS.traceId]?.toString() ?? '');
    if (sent !== undefined) latencies.push(performance.now() - sent);
  },
});

const snapshotDir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
const engine = spawn(process.execPath, [main], {
  env: {
    ...process.env,
    KAFKA_BROKERS: broker.bootstrap,
    SNAPSHOT_DIR: snapshotDir,
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});

/** Messages on the events topic: one per command here (each causes a few events, sent as one message). */
async function published(): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(TOPICS.engineEvents).catch(() => []);
  return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
}

async function until(count: number): Promise<void> {
  const deadline = Date.now() + 600_000;
  while ((await published()) < count) {
    if (Date.now() > deadline) throw new Error(`the engine published events for fewer than ${count} commands`);
    await sleep(20);
  }
}

// (1) The backlog.
let first = await published();
while (first === 0) {
  await sleep(20);
  first = await published();
}
const backlogStart = { at: performance.now(), cpu: cpuSeconds(engine.pid!) };
await until(BACKLOG);
const backlog = {
  commands: BACKLOG - first,
  seconds: (performance.now() - backlogStart.at) / 1000,
  cpu: cpuSeconds(engine.pid!) - backlogStart.cpu,
};

// (2) Paced, as live traffic.
const pacedStart = { at: performance.now(), cpu: cpuSeconds(engine.pid!) };
let sent = 0;
while (performance.now() - pacedStart.at < PACED_SECONDS * 1000) {
  const due = Math.floor(((performance.now() - pacedStart.at) / 1000) * RATE) - sent;
  if (due > 0) {
    const commands = Array.from({ length: due }, placement);
    const at = performance.now();
    for (const command of commands) sentAt.set(command.traceId, at);
    sent += due;
    await send(producer, commands);
  }
  await sleep(5);
}
await until(BACKLOG + sent);
const paced = { commands: sent, cpu: cpuSeconds(engine.pid!) - pacedStart.cpu };
const pacedSeconds = (performance.now() - pacedStart.at) / 1000;
while (latencies.length < sent && performance.now() - pacedStart.at < (PACED_SECONDS + 10) * 1000) await sleep(20);

engine.kill('SIGTERM');
await new Promise((resolve) => engine.once('exit', resolve));
await reader.disconnect();
await producer.disconnect();
await admin.disconnect();
await broker.stop();
rmSync(snapshotDir, { recursive: true, force: true });

const sorted = [...latencies].sort((a, b) => a - b);
const result = {
  backlogCommands: backlog.commands,
  backlogCommandsPerSecond: backlog.commands / backlog.seconds,
  backlogCpuUsPerCommand: (backlog.cpu / backlog.commands) * 1e6,
  pacedRate: paced.commands / pacedSeconds,
  pacedCpuUsPerCommand: (paced.cpu / paced.commands) * 1e6,
  pacedLatencyP50Ms: percentile(sorted, 0.5),
  pacedLatencyP99Ms: percentile(sorted, 0.99),
  pacedTimed: sorted.length,
};
console.log(
  `matching engine bench: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}\n` +
    `backlog: ${result.backlogCommands} commands at ${Math.round(result.backlogCommandsPerSecond)}/s, ` +
    `engine CPU ${result.backlogCpuUsPerCommand.toFixed(0)} µs per command\n` +
    `paced at ${Math.round(result.pacedRate)}/s for ${PACED_SECONDS} s: engine CPU ` +
    `${result.pacedCpuUsPerCommand.toFixed(0)} µs per command; sent → events received p50 ` +
    `${result.pacedLatencyP50Ms.toFixed(1)} ms, p99 ${result.pacedLatencyP99Ms.toFixed(1)} ms (${sorted.length} timed)`,
);
console.log(JSON.stringify(result));
