import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  ftruncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../protocol/errors.js';
import { readBatchHeader, setBaseOffset, type BatchHeader } from './record-batch.js';
import { syncFile, syncPath, SyncQueue, type SyncFile } from './sync-queue.js';

export type FsyncPolicy = 'always' | 'never';

export interface LogOptions {
  /** Where segment files live; null keeps the log in memory. */
  readonly dir: string | null;
  readonly fsync: FsyncPolicy;
  readonly segmentBytes: number;
  readonly syncFile?: SyncFile;
}

/** The last batches of one producer on one partition, to recognise a retried batch. */
interface ProducerState {
  epoch: number;
  lastSequence: number;
  recent: { first: number; last: number; baseOffset: number }[];
}

const RECENT_BATCHES = 5;
const SEQUENCE_LIMIT = 2 ** 31;

interface Segment {
  readonly baseOffset: number;
  readonly fd: number;
  size: number;
}

export type AppendOutcome =
  | { readonly error: typeof ErrorCode.NONE; readonly baseOffset: number; readonly duplicate: boolean }
  | { readonly error: Exclude<ErrorCode, typeof ErrorCode.NONE>; readonly baseOffset: -1; readonly duplicate: false };

/**
 * One partition: record batches appended in order, each given the next offset. In memory, or in segment files
 * named by their first offset; reopening a directory rebuilds the index and the producer state by scanning the
 * segments, and cuts off a torn tail (a batch whose length or checksum does not hold) so it is never served.
 * With fsync 'always' a batch is served, and its producer answered, only once it is on the disk: a consumer
 * never acts on a record that a machine stopping could take back.
 */
export class PartitionLog {
  /** Offset the next record will get (the log end). */
  nextOffset = 0;
  /** Records below it are served: all of them, or with fsync 'always' those on the disk. */
  highWatermark = 0;
  /** The first offset still kept: 0, or where the oldest segment retention left begins. */
  logStartOffset = 0;
  private readonly firstOffsets: number[] = [];
  private readonly lastOffsets: number[] = [];
  private readonly segmentOf: number[] = [];
  private readonly positions: number[] = [];
  private readonly sizes: number[] = [];
  private readonly maxTimestamps: number[] = [];
  private readonly memory: Buffer[] = [];
  private readonly segments: Segment[] = [];
  private readonly producers = new Map<number, ProducerState>();
  private readonly syncs: SyncQueue | null;
  /** The first segment written since the last sync began. */
  private unsyncedFrom = 0;
  private segmentCreated = false;
  /** A sync round is on the thread pool with some segments' descriptors. */
  private syncing = false;

  private constructor(private readonly options: LogOptions) {
    this.syncs = options.dir !== null && options.fsync === 'always' ? new SyncQueue(() => this.syncRound()) : null;
  }

  static open(options: LogOptions): PartitionLog {
    const log = new PartitionLog(options);
    if (options.dir !== null) log.recover(options.dir);
    if (log.syncs !== null) {
      // Written by a run that may not have synced them (fsync 'never' then): they are served from now on.
      for (const segment of log.segments) fsyncSync(segment.fd);
      log.unsyncedFrom = Math.max(0, log.segments.length - 1);
    }
    log.highWatermark = log.nextOffset;
    return log;
  }

  /** Appends one producer batch (a copy is kept), checking its producer sequence. */
  append(batch: Buffer, header: BatchHeader): AppendOutcome {
    if (this.syncs?.failed === true) return { error: ErrorCode.KAFKA_STORAGE_ERROR, baseOffset: -1, duplicate: false };
    if (header.producerId >= 0) {
      const check = this.checkSequence(header);
      if (check !== null) return check;
    }
    const baseOffset = this.nextOffset;
    const stored = Buffer.from(batch);
    setBaseOffset(stored, baseOffset);
    this.index(stored, header, baseOffset);
    return { error: ErrorCode.NONE, baseOffset, duplicate: false };
  }

  /**
   * Resolves once every batch appended so far is on the disk, as the policy asks, and served; rejects when the
   * disk refused, after which the log takes no more batches (KAFKA_STORAGE_ERROR) until the broker restarts.
   */
  durable(): Promise<void> {
    if (this.syncs === null || (this.highWatermark === this.nextOffset && !this.syncs.failed)) return Promise.resolve();
    return this.syncs.request();
  }

  private async syncRound(): Promise<void> {
    const target = this.nextOffset;
    if (target === this.highWatermark) return;
    const segments = this.segments.slice(this.unsyncedFrom);
    const created = this.segmentCreated;
    this.unsyncedFrom = this.segments.length - 1;
    this.segmentCreated = false;
    this.syncing = true;
    try {
      await Promise.all(segments.map((segment) => (this.options.syncFile ?? syncFile)(segment.fd)));
    } finally {
      this.syncing = false;
    }
    if (created) syncPath(this.options.dir!);
    if (target > this.highWatermark) this.highWatermark = target;
  }

  /** Batches from the one holding `offset`, up to `maxBytes` (at least one batch, as Kafka does). */
  read(offset: number, maxBytes: number): Buffer[] {
    if (offset >= this.highWatermark) return [];
    let low = 0;
    let high = this.lastOffsets.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.lastOffsets[middle]! < offset) low = middle + 1;
      else high = middle;
    }
    const out: Buffer[] = [];
    let bytes = 0;
    for (let i = low; i < this.sizes.length && this.firstOffsets[i]! < this.highWatermark; i++) {
      const size = this.sizes[i]!;
      if (out.length > 0 && bytes + size > maxBytes) break;
      out.push(this.batchBytes(i));
      bytes += size;
    }
    return out;
  }

  /**
   * The first offset of the first batch holding a record at or after `timestamp` (batch granularity: the
   * consumer skips older records of that batch), or the high watermark when there is none.
   */
  offsetForTimestamp(timestamp: number): number {
    const i = this.maxTimestamps.findIndex((max) => max >= timestamp);
    const offset = i === -1 ? this.highWatermark : this.firstOffsets[i]!;
    return Math.min(offset, this.highWatermark);
  }

  /**
   * Deletes the oldest segments whose every record is older than `cutoff` (ms since the epoch, as the records'
   * timestamps), as Kafka's time retention does: whole segments only, never the one being written, none that holds
   * a record not served yet, and none a sync may still have in hand (the next look takes those). The log then starts
   * where the oldest segment left begins. Returns how many went.
   */
  dropSegmentsBefore(cutoff: number): number {
    const dir = this.options.dir;
    if (dir === null || this.syncing) return 0;
    const keepFrom =
      this.syncs === null ? this.segments.length - 1 : Math.min(this.unsyncedFrom, this.segments.length - 1);
    let dropped = 0;
    let batches = 0;
    while (dropped < keepFrom) {
      let end = batches;
      let newest = -Infinity;
      for (; end < this.segmentOf.length && this.segmentOf[end] === dropped; end++) {
        newest = Math.max(newest, this.maxTimestamps[end]!);
      }
      const served = end === this.firstOffsets.length || this.firstOffsets[end]! <= this.highWatermark;
      if (newest >= cutoff || !served) break;
      batches = end;
      dropped++;
    }
    if (dropped === 0) return 0;
    for (const segment of this.segments.splice(0, dropped)) {
      closeSync(segment.fd);
      rmSync(join(dir, segmentName(segment.baseOffset)), { force: true });
    }
    const index = [this.firstOffsets, this.lastOffsets, this.segmentOf, this.positions, this.sizes, this.maxTimestamps];
    for (const list of index) list.splice(0, batches);
    for (let i = 0; i < this.segmentOf.length; i++) this.segmentOf[i] = this.segmentOf[i]! - dropped;
    this.unsyncedFrom = Math.max(0, this.unsyncedFrom - dropped);
    this.logStartOffset = this.segments[0]!.baseOffset;
    return dropped;
  }

  /** Stops the log; a clean stop leaves on the disk what is not there yet, answered or not. */
  close(): void {
    if (this.syncs !== null && !this.syncs.failed && this.highWatermark < this.nextOffset) {
      for (const segment of this.segments.slice(this.unsyncedFrom)) fsyncSync(segment.fd);
    }
    for (const segment of this.segments) closeSync(segment.fd);
    this.segments.length = 0;
  }

  /** Removes the log and its files. */
  destroy(): void {
    this.close();
    if (this.options.dir !== null) rmSync(this.options.dir, { recursive: true, force: true });
  }

  private batchBytes(i: number): Buffer {
    if (this.options.dir === null) return this.memory[i]!;
    const segment = this.segments[this.segmentOf[i]!]!;
    const buffer = Buffer.allocUnsafe(this.sizes[i]!);
    readSync(segment.fd, buffer, 0, buffer.length, this.positions[i]!);
    return buffer;
  }

  private index(stored: Buffer, header: BatchHeader, baseOffset: number, recovered = false): void {
    const lastOffset = baseOffset + header.lastOffsetDelta;
    if (this.options.dir === null) {
      this.memory.push(stored);
      this.positions.push(0);
      this.segmentOf.push(-1);
    } else {
      if (!recovered) this.write(stored, baseOffset);
      const segment = this.segments.at(-1)!;
      this.segmentOf.push(this.segments.length - 1);
      this.positions.push(recovered ? segment.size : segment.size - stored.length);
      if (recovered) segment.size += stored.length;
    }
    this.firstOffsets.push(baseOffset);
    this.lastOffsets.push(lastOffset);
    this.sizes.push(stored.length);
    this.maxTimestamps.push(header.maxTimestamp);
    this.nextOffset = lastOffset + 1;
    if (this.syncs === null) this.highWatermark = this.nextOffset;
    if (header.producerId >= 0) this.remember(header, baseOffset);
  }

  private write(stored: Buffer, baseOffset: number): void {
    const dir = this.options.dir!;
    let segment = this.segments.at(-1);
    if (segment === undefined || segment.size + stored.length > this.options.segmentBytes) {
      segment = { baseOffset, fd: openSync(join(dir, segmentName(baseOffset)), 'a+'), size: 0 };
      this.segments.push(segment);
      this.segmentCreated = true;
    }
    writeSync(segment.fd, stored, 0, stored.length, segment.size);
    segment.size += stored.length;
  }

  private checkSequence(header: BatchHeader): AppendOutcome | null {
    const state = this.producers.get(header.producerId);
    const first = header.baseSequence;
    const last = (first + header.lastOffsetDelta) % SEQUENCE_LIMIT;
    const fail = (error: Exclude<ErrorCode, typeof ErrorCode.NONE>): AppendOutcome => ({
      error,
      baseOffset: -1,
      duplicate: false,
    });
    if (state === undefined || header.producerEpoch > state.epoch) {
      return first === 0 ? null : fail(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    }
    if (header.producerEpoch < state.epoch) return fail(ErrorCode.INVALID_PRODUCER_EPOCH);
    const seen = state.recent.find((batch) => batch.first === first && batch.last === last);
    if (seen !== undefined) return { error: ErrorCode.NONE, baseOffset: seen.baseOffset, duplicate: true };
    if (first === (state.lastSequence + 1) % SEQUENCE_LIMIT) return null;
    const behind = (state.lastSequence - first + SEQUENCE_LIMIT) % SEQUENCE_LIMIT < SEQUENCE_LIMIT / 2;
    return fail(behind ? ErrorCode.DUPLICATE_SEQUENCE_NUMBER : ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  }

  private remember(header: BatchHeader, baseOffset: number): void {
    let state = this.producers.get(header.producerId);
    if (state === undefined || header.producerEpoch > state.epoch) {
      state = { epoch: header.producerEpoch, lastSequence: -1, recent: [] };
      this.producers.set(header.producerId, state);
    }
    const last = (header.baseSequence + header.lastOffsetDelta) % SEQUENCE_LIMIT;
    state.lastSequence = last;
    state.recent.push({ first: header.baseSequence, last, baseOffset });
    if (state.recent.length > RECENT_BATCHES) state.recent.shift();
  }

  private recover(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const names = readdirSync(dir)
      .filter((name) => /^\d{20}\.log$/.test(name))
      .sort();
    for (let s = 0; s < names.length; s++) {
      const path = join(dir, names[s]!);
      const fd = openSync(path, 'r+');
      const size = statSync(path).size;
      const content = Buffer.allocUnsafe(size);
      if (size > 0) readSync(fd, content, 0, size, 0);
      const segment: Segment = { baseOffset: Number(names[s]!.slice(0, 20)), fd, size: 0 };
      this.segments.push(segment);
      // Retention may have deleted the segments before the first one left.
      if (s === 0) this.nextOffset = this.logStartOffset = segment.baseOffset;
      let position = 0;
      let torn = false;
      while (position < size) {
        const header = readBatchHeader(content, position);
        const baseOffset = typeof header === 'string' ? -1 : Number(content.readBigInt64BE(position));
        if (typeof header === 'string' || baseOffset !== this.nextOffset) {
          torn = true;
          break;
        }
        this.index(content.subarray(position, position + header.size), header, baseOffset, true);
        position += header.size;
      }
      if (torn || position < size) {
        // A crash mid-write: keep what is whole, drop the rest and every later segment.
        ftruncateSync(fd, position);
        for (const later of names.slice(s + 1)) rmSync(join(dir, later), { force: true });
        return;
      }
    }
  }
}

function segmentName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}
