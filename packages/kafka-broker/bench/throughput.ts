import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

/**
 * `pnpm --filter @bolsa/kafka-broker bench`: the broker in its own process, kafkajs as the client. Produce then
 * consume N messages of 100 B and 1 KB (batched sends, several in flight), then 1,000 msg/s single-message
 * produce → consume latency.
 */
process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 200_000);
const BATCH = 1000;
const IN_FLIGHT = 4;

async function startBrokerProcess(dataDir: string): Promise<{ child: ChildProcess; bootstrap: string }> {
  const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url));
  const child = spawn(process.execPath, [cli, '--port', '0', '--data-dir', dataDir, '--partitions', '3'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /bootstrap servers: (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}`)));
  });
  return { child, bootstrap };
}

async function throughput(kafka: Kafka, size: number): Promise<{ produce: number; consume: number }> {
  const topic = `bench-${size}`;
  const value = Buffer.alloc(size, 120);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value }] });
  let sent = 1;
  const started = performance.now();
  const lanes = Array.from({ length: IN_FLIGHT }, async () => {
    while (sent < MESSAGES) {
      const count = Math.min(BATCH, MESSAGES - sent);
      sent += count;
      await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ key: String(i), value })) });
    }
  });
  await Promise.all(lanes);
  const produceSeconds = (performance.now() - started) / 1000;
  await producer.disconnect();

  const consumer = kafka.consumer({
    groupId: `bench-readers-${size}`,
    maxBytes: 16 * 1024 * 1024,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let received = 0;
  let consumeStarted = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (consumeStarted === 0) consumeStarted = performance.now();
        received += batch.messages.length;
        if (received >= MESSAGES) resolve();
      },
    });
  });
  const consumeSeconds = (performance.now() - consumeStarted) / 1000;
  await consumer.disconnect();
  return { produce: MESSAGES / produceSeconds, consume: MESSAGES / consumeSeconds };
}

async function latency(kafka: Kafka): Promise<{ p50: number; p99: number; count: number }> {
  const topic = 'bench-latency';
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: 'warm-up' }] });
  const consumer = kafka.consumer({ groupId: 'bench-latency', maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  const samples: number[] = [];
  let ready = false;
  await consumer.run({
    eachMessage: async ({ message }) => {
      const sentAt = Number(message.value!.toString());
      if (ready && Number.isFinite(sentAt)) samples.push(performance.now() - sentAt);
    },
  });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  ready = true;
  const total = 5000;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + i;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    void producer.send({ topic, messages: [{ value: String(performance.now()) }] });
  }
  const deadline = performance.now() + 10_000;
  while (samples.length < total && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  await consumer.disconnect();
  await producer.disconnect();
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { p50: at(0.5), p99: at(0.99), count: samples.length };
}

const dataDir = mkdtempSync(join(tmpdir(), 'bolsa-broker-bench-'));
const { child, bootstrap } = await startBrokerProcess(dataDir);
try {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench', logLevel: logLevel.NOTHING });
  console.log(
    `kafka-broker bench: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, broker in its own process, data on disk (fsync never)`,
  );
  for (const size of [100, 1024]) {
    const figures = await throughput(kafka, size);
    console.log(
      `${String(size).padStart(4)} B messages: produce ${Math.round(figures.produce).toLocaleString('en')} msg/s, ` +
        `consume ${Math.round(figures.consume).toLocaleString('en')} msg/s (${MESSAGES.toLocaleString('en')} messages, ` +
        `batches of ${BATCH}, ${IN_FLIGHT} sends in flight)`,
    );
  }
  const lag = await latency(kafka);
  console.log(
    `latency at 1,000 msg/s: produce → consume p50 ${lag.p50.toFixed(2)} ms, p99 ${lag.p99.toFixed(2)} ms (${lag.count} messages)`,
  );
} finally {
  child.kill('SIGINT');
  rmSync(dataDir, { recursive: true, force: true });
}
