import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../src/index.js';
import { client, eventually, hasKcat, kcat } from './helpers.js';

const run = promisify(execFile);
if (!hasKcat && process.env['CI'] === 'true') throw new Error('kcat is required in CI (apt-get install kcat)');
describe.skipIf(!hasKcat)('librdkafka (kcat) against the broker', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startBroker({ partitions: 3 });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  /** Everything on partition 0 of a topic, read by kcat to the end. */
  const readPartitionZero = (topic: string) =>
    kcat(['-b', broker.bootstrap, '-t', topic, '-C', '-p', '0', '-o', 'beginning', '-e', '-q']);

  it('lists metadata: one broker that is also the controller, topics with their partitions', async () => {
    const admin = client(broker.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'listed', numPartitions: 5 }] });
    await admin.disconnect();
    const listing = JSON.parse((await run('kcat', ['-b', broker.bootstrap, '-L', '-J'])).stdout) as {
      controllerid: number;
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: unknown[] }[];
    };
    expect(listing.brokers).toEqual([{ id: 1, name: broker.bootstrap }]);
    expect(listing.controllerid).toBe(1);
    expect(listing.topics.find((topic) => topic.topic === 'listed')?.partitions).toHaveLength(5);
  });

  it('kcat produces, kafkajs consumes, keys and order intact', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `key-${i % 4}:value-${i}`).join('\n');
    await kcat(['-b', broker.bootstrap, '-t', 'from-kcat', '-P', '-K:'], `${lines}\n`);
    const consumer = client(broker.bootstrap).consumer({ groupId: 'js-readers', maxWaitTimeInMs: 500 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['from-kcat'], fromBeginning: true });
    const byKey = new Map<string, number[]>();
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key!.toString();
        byKey.set(key, [...(byKey.get(key) ?? []), Number(message.value!.toString().slice(6))]);
      },
    });
    await eventually(() => ([...byKey.values()].flat().length >= 200 ? true : undefined));
    await consumer.disconnect();
    for (const [key, values] of byKey) {
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(values.every((value) => `key-${value % 4}` === key)).toBe(true);
    }
  });

  it('kafkajs produces, kcat consumes to the end of every partition', async () => {
    const producer = client(broker.bootstrap).producer();
    await producer.connect();
    await producer.send({
      topic: 'from-js',
      messages: Array.from({ length: 150 }, (_, i) => ({
        key: `k${i % 5}`,
        value: `v${i}`,
        headers: { n: String(i) },
      })),
    });
    await producer.disconnect();
    const out = await kcat([
      '-b',
      broker.bootstrap,
      '-t',
      'from-js',
      '-C',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%k %s %h\n',
    ]);
    const rows = out.trim().split('\n');
    expect(rows).toHaveLength(150);
    expect(new Set(rows.map((row) => row.split(' ')[1])).size).toBe(150);
    expect(rows.every((row) => /^k\d v(\d+) n=\1$/.test(row))).toBe(true);
  });

  it('a kcat balanced consumer group (-G) consumes everything and commits its offsets', async () => {
    const producer = client(broker.bootstrap).producer();
    await producer.connect();
    await producer.send({
      topic: 'for-group',
      messages: Array.from({ length: 90 }, (_, i) => ({ key: String(i), value: String(i) })),
    });
    await producer.disconnect();
    const args = ['-b', broker.bootstrap, '-G', 'kcat-group', '-X', 'auto.offset.reset=earliest', '-q', '-f', '%s\n'];
    const first = await kcat([...args, '-c', '90', 'for-group']);
    expect(
      first
        .trim()
        .split('\n')
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 90 }, (_, i) => i));
    const admin = client(broker.bootstrap).admin();
    await admin.connect();
    const committed = await eventually(async () => {
      const offsets = await admin.fetchOffsets({ groupId: 'kcat-group', topics: ['for-group'] });
      const total = offsets[0]!.partitions.reduce((sum, partition) => sum + Number(partition.offset), 0);
      return total === 90 ? total : undefined;
    });
    await admin.disconnect();
    expect(committed).toBe(90);
  });

  it('an idempotent kcat producer stores each message once, in order', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => `m${i}`).join('\n');
    await kcat(
      ['-b', broker.bootstrap, '-t', 'idempotent', '-P', '-p', '0', '-X', 'enable.idempotence=true'],
      `${lines}\n`,
    );
    const out = await readPartitionZero('idempotent');
    expect(out.trim().split('\n')).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'])('passes %s-compressed batches through untouched', async (codec) => {
    const lines = Array.from({ length: 100 }, (_, i) => `compressed-${i}`).join('\n');
    await kcat(['-b', broker.bootstrap, '-t', `z-${codec}`, '-P', '-p', '0', '-z', codec], `${lines}\n`);
    const out = await readPartitionZero(`z-${codec}`);
    expect(out.trim().split('\n')).toEqual(lines.split('\n'));
  });
});
