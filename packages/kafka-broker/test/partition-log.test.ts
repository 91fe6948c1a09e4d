import { appendFileSync, fdatasync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/protocol/errors.js';
import { crc32c } from '../src/storage/crc32c.js';
import { PartitionLog } from '../src/storage/partition-log.js';
import { readBatchHeader } from '../src/storage/record-batch.js';
import { eventually, temporaryDir } from './helpers.js';

/** A minimal valid v2 batch: `records` records of no content, from a producer, its newest at `maxTimestamp`. */
function batch(records: number, producerId = -1, epoch = -1, baseSequence = -1, maxTimestamp = 0): Buffer {
  const bytes = Buffer.alloc(61 + records);
  bytes.writeInt32BE(bytes.length - 12, 8);
  bytes.writeInt8(2, 16);
  bytes.writeInt32BE(records - 1, 23);
  bytes.writeBigInt64BE(BigInt(maxTimestamp), 35);
  bytes.writeBigInt64BE(BigInt(producerId), 43);
  bytes.writeInt16BE(epoch, 51);
  bytes.writeInt32BE(baseSequence, 53);
  bytes.writeInt32BE(records, 57);
  bytes.writeUInt32BE(crc32c(bytes, 21, bytes.length), 17);
  return bytes;
}

function append(log: PartitionLog, bytes: Buffer) {
  const header = readBatchHeader(bytes, 0);
  if (typeof header === 'string') throw new Error(header);
  return log.append(bytes, header);
}

describe('crc32c', () => {
  it('matches the published check value', () => {
    expect(crc32c(Buffer.from('123456789')).toString(16)).toBe('e3069283');
  });
});

describe('partition log', () => {
  it('assigns consecutive offsets and serves from the batch holding the offset', () => {
    const log = PartitionLog.open({ dir: null, fsync: 'never', segmentBytes: 1 << 20 });
    expect(append(log, batch(3)).baseOffset).toBe(0);
    expect(append(log, batch(2)).baseOffset).toBe(3);
    expect(log.nextOffset).toBe(5);
    expect(log.read(4, 1 << 20)).toHaveLength(1);
    expect(Number(log.read(4, 1 << 20)[0]!.readBigInt64BE(0))).toBe(3);
    expect(log.read(5, 1 << 20)).toEqual([]);
    expect(log.read(0, 1)).toHaveLength(1);
  });

  it('checks producer sequences: duplicates acknowledged once, gaps and stale epochs refused', () => {
    const log = PartitionLog.open({ dir: null, fsync: 'never', segmentBytes: 1 << 20 });
    expect(append(log, batch(2, 7, 0, 0))).toMatchObject({ error: ErrorCode.NONE, baseOffset: 0, duplicate: false });
    expect(append(log, batch(2, 7, 0, 2))).toMatchObject({ error: ErrorCode.NONE, baseOffset: 2 });
    expect(append(log, batch(2, 7, 0, 2))).toMatchObject({ error: ErrorCode.NONE, baseOffset: 2, duplicate: true });
    expect(log.nextOffset).toBe(4);
    expect(append(log, batch(1, 7, 0, 9)).error).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    for (let s = 4; s < 16; s += 2) append(log, batch(2, 7, 0, s));
    expect(append(log, batch(2, 7, 0, 0)).error).toBe(ErrorCode.DUPLICATE_SEQUENCE_NUMBER);
    expect(append(log, batch(1, 7, 1, 0)).error).toBe(ErrorCode.NONE);
    expect(append(log, batch(1, 7, 0, 16)).error).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(append(log, batch(1, 8, 0, 5)).error).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('recovers from its segments, rolls segments, and truncates a torn tail', () => {
    const dir = temporaryDir('log');
    const log = PartitionLog.open({ dir, fsync: 'always', segmentBytes: 200 });
    for (let i = 0; i < 10; i++) append(log, batch(3, 5, 0, i * 3));
    log.close();
    expect(readdirSync(dir).filter((name) => name.endsWith('.log')).length).toBeGreaterThan(1);
    const last = readdirSync(dir).sort().at(-1)!;
    appendFileSync(join(dir, last), batch(3).subarray(0, 40));
    const reopened = PartitionLog.open({ dir, fsync: 'always', segmentBytes: 200 });
    expect(reopened.nextOffset).toBe(30);
    expect(append(reopened, batch(3, 5, 0, 27))).toMatchObject({ duplicate: true, baseOffset: 27 });
    expect(append(reopened, batch(3, 5, 0, 30)).baseOffset).toBe(30);
    expect(reopened.read(0, 1 << 20).length).toBeGreaterThan(0);
    reopened.close();
  });

  it('with fsync always serves a batch and answers for it once it is on the disk; appends meanwhile share a sync', async () => {
    const syncs: { fd: number; done: () => void }[] = [];
    const log = PartitionLog.open({
      dir: temporaryDir('synced'),
      fsync: 'always',
      segmentBytes: 1 << 20,
      // The real sync, held until the test lets it finish, so what is served in between can be looked at.
      syncFile: (fd) =>
        new Promise<void>((resolve, reject) => {
          syncs.push({ fd, done: () => fdatasync(fd, (error) => (error === null ? resolve() : reject(error))) });
        }),
    });
    append(log, batch(3));
    expect(log.read(0, 1 << 20)).toEqual([]);
    let firstDurable = false;
    const first = log.durable().then(() => (firstDurable = true));
    append(log, batch(2));
    append(log, batch(4));
    const second = log.durable();
    const third = log.durable();
    expect(syncs).toHaveLength(1);
    await Promise.resolve();
    expect(firstDurable).toBe(false);
    expect(log.highWatermark).toBe(0);

    syncs[0]!.done();
    await first;
    expect(log.highWatermark).toBe(3);
    expect(log.read(0, 1 << 20)).toHaveLength(1);
    expect(log.read(3, 1 << 20)).toEqual([]);
    await eventually(() => (syncs.length === 2 ? true : undefined));
    syncs[1]!.done();
    await Promise.all([second, third]);
    expect(syncs).toHaveLength(2);
    expect(log.highWatermark).toBe(9);
    expect(log.read(0, 1 << 20)).toHaveLength(3);
    await log.durable();
    expect(syncs).toHaveLength(2);
    log.close();
  });

  it('drops its oldest whole segments for retention, keeps every record as new as the cut-off, and starts after them', () => {
    const dir = temporaryDir('retention');
    const segments = () =>
      readdirSync(dir)
        .filter((name) => name.endsWith('.log'))
        .sort();
    const log = PartitionLog.open({ dir, fsync: 'never', segmentBytes: 200 });
    // Ten batches of three records, the newest of batch i stamped 1,000 + i; 64 bytes each, three to a segment.
    for (let i = 0; i < 10; i++) append(log, batch(3, -1, -1, -1, 1_000 + i));
    const written = segments();
    expect(written.length).toBe(4);
    expect(log.dropSegmentsBefore(1_000)).toBe(0);
    // Batch 5 (offsets 15-17) is as new as the cut-off: it, and its segment, stay.
    expect(log.dropSegmentsBefore(1_005)).toBe(1);
    expect(log.logStartOffset).toBe(9);
    expect(log.logStartOffset).toBe(Number(segments()[0]!.slice(0, 20)));
    expect(Number(log.read(15, 1 << 20)[0]!.readBigInt64BE(0))).toBe(15);
    // However old, the segment being written stays.
    expect(log.dropSegmentsBefore(1_000_000)).toBe(2);
    expect(segments()).toEqual([written.at(-1)]);
    expect(log.logStartOffset).toBe(27);
    expect(Number(log.read(27, 1 << 20)[0]!.readBigInt64BE(0))).toBe(27);
    expect(append(log, batch(2)).baseOffset).toBe(30);
    log.close();
    // Reopened, the log starts where the oldest segment left begins, and goes on from its end.
    const reopened = PartitionLog.open({ dir, fsync: 'never', segmentBytes: 200 });
    expect(reopened.logStartOffset).toBe(27);
    expect(reopened.nextOffset).toBe(32);
    expect(append(reopened, batch(1)).baseOffset).toBe(32);
    reopened.close();
  });

  it('with fsync always drops no segment a sync still has in hand', async () => {
    const syncs: (() => void)[] = [];
    const log = PartitionLog.open({
      dir: temporaryDir('retention-synced'),
      fsync: 'always',
      segmentBytes: 200,
      syncFile: () => new Promise<void>((resolve) => syncs.push(resolve)),
    });
    for (let i = 0; i < 10; i++) append(log, batch(3, -1, -1, -1, 1_000));
    const durable = log.durable();
    await eventually(() => (syncs.length > 0 ? true : undefined));
    expect(log.dropSegmentsBefore(1_000_000)).toBe(0);
    for (const done of syncs.splice(0)) done();
    await durable;
    expect(log.highWatermark).toBe(30);
    expect(log.dropSegmentsBefore(1_000_000)).toBe(3);
    expect(log.logStartOffset).toBe(27);
    log.close();
  });

  it('with fsync always a refused sync serves nothing more and takes no more batches', async () => {
    const log = PartitionLog.open({
      dir: temporaryDir('refused'),
      fsync: 'always',
      segmentBytes: 1 << 20,
      syncFile: () => Promise.reject(new Error('EIO: i/o error, fdatasync')),
    });
    append(log, batch(2));
    await expect(log.durable()).rejects.toMatchObject({ message: expect.stringContaining('EIO') });
    expect(log.highWatermark).toBe(0);
    expect(log.read(0, 1 << 20)).toEqual([]);
    expect(append(log, batch(1)).error).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    await expect(log.durable()).rejects.toMatchObject({ message: expect.stringContaining('EIO') });
    log.close();
  });

  it('refuses batches that are not v2 or whose checksum is wrong', () => {
    const corrupt = batch(2);
    corrupt[corrupt.length - 1] = 9;
    expect(readBatchHeader(corrupt, 0)).toBe('bad_crc');
    const old = batch(2);
    old.writeInt8(1, 16);
    expect(readBatchHeader(old, 0)).toBe('not_v2');
    expect(readBatchHeader(batch(2).subarray(0, 30), 0)).toBe('truncated');
  });
});
