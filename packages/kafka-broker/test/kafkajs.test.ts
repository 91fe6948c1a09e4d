import { appendFileSync, fdatasync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../src/index.js';
import { client, eventually, LossyProxy, temporaryDir } from './helpers.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker({ partitions: 3 });
});

afterAll(async () => {
  await broker.stop();
});

describe('admin', () => {
  it('creates topics, describes them and reports their offsets', async () => {
    const admin = client(broker.bootstrap).admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 4 }, { topic: 'admin-b' }] })).toBe(
        true,
      );
      expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 4 }] })).toBe(false);
      await expect(admin.createTopics({ topics: [{ topic: 'bad name!', numPartitions: 1 }] })).rejects.toThrow(Error);
      const metadata = await admin.fetchTopicMetadata({ topics: ['admin-a', 'admin-b'] });
      const described = metadata.topics.map((topic) => [topic.name, topic.partitions.length]);
      expect(described.sort()).toEqual([
        ['admin-a', 4],
        ['admin-b', 3],
      ]);
      expect(metadata.topics[0]!.partitions.every((partition) => partition.leader === 1)).toBe(true);
      expect(await admin.listTopics()).toEqual(expect.arrayContaining(['admin-a', 'admin-b']));
      const offsets = await admin.fetchTopicOffsets('admin-a');
      expect(offsets.map((o) => [o.partition, o.low, o.high])).toEqual([
        [0, '0', '0'],
        [1, '0', '0'],
        [2, '0', '0'],
        [3, '0', '0'],
      ]);
      await admin.deleteTopics({ topics: ['admin-b'] });
      expect(await admin.listTopics()).not.toContain('admin-b');
    } finally {
      await admin.disconnect();
    }
  });
});

describe('produce and consume', () => {
  it('moves 100,000 keyed messages with headers across 3 partitions, in order within each partition', async () => {
    const kafka = client(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'bulk', numPartitions: 3 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const total = 100_000;
    for (let start = 0; start < total; start += 2000) {
      const messages = Array.from({ length: 2000 }, (_, i) => ({
        key: `key-${(start + i) % 17}`,
        value: String(start + i),
        headers: { sequence: String(start + i) },
      }));
      await producer.send({ topic: 'bulk', messages });
    }
    await producer.disconnect();

    const consumer = kafka.consumer({ maxWaitTimeInMs: 500, groupId: 'bulk-readers', maxBytes: 4 * 1024 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['bulk'], fromBeginning: true });
    const lastByKey = new Map<string, number>();
    const partitionOfKey = new Map<string, number>();
    let received = 0;
    let misordered = 0;
    let badHeaders = 0;
    await consumer.run({
      eachBatch: async ({ batch }: EachBatchPayload) => {
        for (const message of batch.messages) {
          const key = message.key!.toString();
          const value = Number(message.value!.toString());
          if ((lastByKey.get(key) ?? -1) >= value) misordered++;
          if (message.headers?.['sequence']?.toString() !== String(value)) badHeaders++;
          lastByKey.set(key, value);
          if ((partitionOfKey.get(key) ?? batch.partition) !== batch.partition) misordered++;
          partitionOfKey.set(key, batch.partition);
          received++;
        }
      },
    });
    await eventually(() => (received >= total ? true : undefined), 60_000);
    await consumer.disconnect();
    expect(received).toBe(total);
    expect(misordered).toBe(0);
    expect(badHeaders).toBe(0);
    expect(new Set(partitionOfKey.values()).size).toBe(3);
  });
});

describe('consumer groups', () => {
  async function groupMember(groupId: string, seen: number[], topic: string): Promise<Consumer> {
    const consumer = client(broker.bootstrap).consumer({
      maxWaitTimeInMs: 500,
      groupId,
      heartbeatInterval: 200,
      sessionTimeout: 6000,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        seen.push(Number(message.value!.toString()));
        await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
      },
    });
    return consumer;
  }

  it('shares partitions among members; one leaves, one joins; every message is consumed exactly once', async () => {
    const topic = 'churn';
    const kafka = client(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    let next = 0;
    const produce = async (count: number) => {
      const messages = Array.from({ length: count }, () => ({ key: String(next % 7), value: String(next++) }));
      await producer.send({ topic, messages });
    };

    const seen: number[] = [];
    const first = await groupMember('churners', seen, topic);
    const second = await groupMember('churners', seen, topic);
    const third = await groupMember('churners', seen, topic);
    await produce(300);
    await eventually(() => (seen.length >= 300 ? true : undefined));
    const description = await eventually(async () => {
      const a = kafka.admin();
      await a.connect();
      const described = await a.describeGroups(['churners']);
      await a.disconnect();
      const group = described.groups[0]!;
      return group.state === 'Stable' && group.members.length === 3 ? group : undefined;
    });
    expect(description.protocolType).toBe('consumer');

    await second.disconnect();
    await produce(300);
    const fourth = await groupMember('churners', seen, topic);
    await produce(300);
    await eventually(() => (seen.length >= 900 ? true : undefined), 30_000);
    await Promise.all([first.disconnect(), third.disconnect(), fourth.disconnect()]);
    await producer.disconnect();

    const counts = new Map<number, number>();
    for (const value of seen) counts.set(value, (counts.get(value) ?? 0) + 1);
    expect(counts.size).toBe(900);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });

  it('resumes from committed offsets after a consumer restarts', async () => {
    const topic = 'resume';
    const kafka = client(broker.bootstrap);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ value: String(i) })) });
    const firstRun: number[] = [];
    const consumer = await groupMember('resumers', firstRun, topic);
    await eventually(() => (firstRun.length >= 50 ? true : undefined));
    await consumer.disconnect();
    await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ value: `${1000 + i}` })) });
    const secondRun: number[] = [];
    const again = await groupMember('resumers', secondRun, topic);
    await eventually(() => (secondRun.length >= 20 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await again.disconnect();
    await producer.disconnect();
    expect(secondRun.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 1000 + i));
    const admin = kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId: 'resumers', topics: [topic] });
    await admin.disconnect();
    const total = committed[0]!.partitions.reduce((sum, partition) => sum + Number(partition.offset), 0);
    expect(total).toBe(70);
  });
});

describe('idempotent producer', () => {
  it('a batch retried after a lost acknowledgement is stored once', async () => {
    const lossy = new LossyProxy();
    const proxyPort = await lossy.listen();
    const real = await startBroker({ advertisedPort: proxyPort, partitions: 1 });
    lossy.target.port = real.port;
    try {
      const kafka = client(`127.0.0.1:${proxyPort}`);
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({ topic: 'once', messages: [{ value: 'warm-up' }] });
      lossy.dropProduceResponses = 1;
      await producer.send({ topic: 'once', messages: [{ value: 'only-once' }] });
      expect(lossy.dropped).toBe(1);
      await producer.disconnect();
      const consumer = client(`127.0.0.1:${proxyPort}`).consumer({ maxWaitTimeInMs: 500, groupId: 'once-readers' });
      await consumer.connect();
      await consumer.subscribe({ topics: ['once'], fromBeginning: true });
      const values: string[] = [];
      await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
      await eventually(() => (values.length >= 2 ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 500));
      await consumer.disconnect();
      expect(values).toEqual(['warm-up', 'only-once']);
    } finally {
      await lossy.close();
      await real.stop();
    }
  });
});

describe('durability', () => {
  it('a restarted broker has every acknowledged message and committed offset, and drops a torn tail', async () => {
    const dataDir = temporaryDir('durable');
    const first = await startBroker({ dataDir, fsync: 'always', partitions: 2 });
    let kafka = client(first.bootstrap);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    for (let i = 0; i < 10; i++) {
      await producer.send({
        topic: 'kept',
        messages: Array.from({ length: 100 }, (_, j) => ({ key: String(j), value: `${i}-${j}` })),
      });
    }
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: 'keepers',
      topic: 'kept',
      partitions: [
        { partition: 0, offset: '42' },
        { partition: 1, offset: '7' },
      ],
    });
    const before = await admin.fetchTopicOffsets('kept');
    await admin.disconnect();
    await first.stop();

    const segmentDir = join(dataDir, 'topics', 'kept-0');
    const segment = readdirSync(segmentDir).find((name) => name.endsWith('.log'))!;
    appendFileSync(join(segmentDir, segment), Buffer.from([0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 1, 0, 7, 7]));

    const second = await startBroker({ dataDir, fsync: 'always', partitions: 2 });
    kafka = client(second.bootstrap);
    const again = kafka.admin();
    await again.connect();
    try {
      expect(await again.fetchTopicOffsets('kept')).toEqual(before);
      const committed = await again.fetchOffsets({ groupId: 'keepers', topics: ['kept'] });
      expect(committed[0]!.partitions.map((p) => [p.partition, p.offset])).toEqual([
        [0, '42'],
        [1, '7'],
      ]);
    } finally {
      await again.disconnect();
    }
    const consumer = kafka.consumer({ maxWaitTimeInMs: 500, groupId: 'after-restart' });
    await consumer.connect();
    await consumer.subscribe({ topics: ['kept'], fromBeginning: true });
    const values = new Set<string>();
    await consumer.run({ eachMessage: async ({ message }) => void values.add(message.value!.toString()) });
    await eventually(() => (values.size >= 1000 ? true : undefined));
    await consumer.disconnect();
    const producerAgain = kafka.producer();
    await producerAgain.connect();
    const [appended] = await producerAgain.send({ topic: 'kept', messages: [{ key: '0', value: 'after' }] });
    await producerAgain.disconnect();
    await second.stop();
    expect(values.size).toBe(1000);
    expect(Number(appended!.baseOffset)).toBe(Number(before.find((o) => o.partition === appended!.partition)!.high));
  });

  it('retention deletes old segments: kafkajs sees the log start move, and a group committed before it starts there', async () => {
    const dataDir = temporaryDir('retention');
    const hour = 60 * 60 * 1000;
    const retained = await startBroker({
      dataDir,
      fsync: 'always',
      partitions: 1,
      segmentBytes: 4096,
      retentionMs: hour,
      retentionCheckMs: 100,
    });
    try {
      const kafka = client(retained.bootstrap);
      const producer = kafka.producer();
      await producer.connect();
      // Two hours old (records keep the time their producer gave them), then ten of now, each send a batch.
      const old = String(Date.now() - 2 * hour);
      for (let i = 0; i < 60; i++) {
        await producer.send({ topic: 'aging', messages: [{ value: `old-${i}-${'x'.repeat(200)}`, timestamp: old }] });
      }
      for (let i = 0; i < 10; i++) await producer.send({ topic: 'aging', messages: [{ value: `new-${i}` }] });
      await producer.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      // Committed before retention came by: offset 0, soon before the log's start.
      await admin.setOffsets({ groupId: 'late', topic: 'aging', partitions: [{ partition: 0, offset: '0' }] });
      const [offsets] = await eventually(async () => {
        const now = await admin.fetchTopicOffsets('aging');
        return Number(now[0]!.low) > 0 ? now : undefined;
      });
      await admin.disconnect();
      const low = Number(offsets!.low);
      expect(offsets!.high).toBe('70');
      expect(low).toBeLessThanOrEqual(60);
      expect(readdirSync(join(dataDir, 'topics', 'aging-0')).sort()[0]).toBe(`${String(low).padStart(20, '0')}.log`);
      // Asked for offset 0, the broker answers OFFSET_OUT_OF_RANGE, and kafkajs starts the group at the log's start.
      const consumer = kafka.consumer({ groupId: 'late', maxWaitTimeInMs: 200 });
      await consumer.connect();
      await consumer.subscribe({ topics: ['aging'], fromBeginning: true });
      const offsetsRead: number[] = [];
      await consumer.run({ eachMessage: async ({ message }) => void offsetsRead.push(Number(message.offset)) });
      await eventually(() => (offsetsRead.includes(69) ? true : undefined));
      await consumer.disconnect();
      expect(offsetsRead[0]).toBe(low);
      expect(offsetsRead).toEqual(Array.from({ length: 70 - low }, (_, i) => low + i));
    } finally {
      await retained.stop();
    }
  });

  it('a disk that refuses a sync: produces and offset commits are refused with error codes, the broker answers on', async () => {
    let refuse = false;
    const broker = await startBroker({
      dataDir: temporaryDir('refusing'),
      fsync: 'always',
      partitions: 1,
      syncFile: async (fd) => {
        if (refuse) throw new Error('EIO: i/o error, fdatasync');
        await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
      },
    });
    const kafka = client(broker.bootstrap, { retry: { retries: 1, initialRetryTime: 50 } });
    const admin = kafka.admin();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: 'refused-group', maxWaitTimeInMs: 100 });
    await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
    try {
      await producer.send({ topic: 'refused', messages: [{ value: 'kept' }, { value: 'kept too' }] });
      await consumer.subscribe({ topics: ['refused'], fromBeginning: true });
      let seen = 0;
      await consumer.run({ autoCommit: false, eachMessage: async () => void seen++ });
      await eventually(() => (seen === 2 ? true : undefined));
      const commitAt = (offset: string) => consumer.commitOffsets([{ topic: 'refused', partition: 0, offset }]);
      await commitAt('1');
      refuse = true;
      await expect(producer.send({ topic: 'refused', messages: [{ value: 'lost' }] })).rejects.toThrow(Error);
      await expect(commitAt('2')).rejects.toMatchObject({
        message: expect.stringMatching(/not the correct coordinator/),
      });
      refuse = false;
      await expect(commitAt('2')).rejects.toMatchObject({
        message: expect.stringMatching(/not the correct coordinator/),
      });
      // Still answering: what reached the disk is served, and the last commit that did is read back.
      const committed = await admin.fetchOffsets({ groupId: 'refused-group', topics: ['refused'] });
      expect(committed[0]!.partitions.map((p) => p.offset)).toEqual(['1']);
      expect((await admin.fetchTopicOffsets('refused')).map((o) => o.high)).toEqual(['2']);
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect(), consumer.disconnect()]);
      await broker.stop();
    }
  });
});
