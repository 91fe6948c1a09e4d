import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ErrorCode } from '../protocol/errors.js';
import { PartitionLog, type FsyncPolicy } from './partition-log.js';
import { syncPath, type SyncFile } from './sync-queue.js';

export interface StoreOptions {
  /** Null: everything in memory (fast tests). */
  readonly dataDir: string | null;
  readonly defaultPartitions: number;
  readonly fsync: FsyncPolicy;
  readonly segmentBytes: number;
  readonly syncFile: SyncFile;
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

export function topicNameProblem(name: string): string | null {
  if (!LEGAL_TOPIC.test(name)) return 'topic names are 1-249 characters of a-z A-Z 0-9 . _ -';
  if (name === '.' || name === '..') return 'topic name cannot be "." or ".."';
  return null;
}

/**
 * Writes a small file so that a crash leaves either the old or the new content, never half of one; `durable`
 * also survives the machine stopping (the content and the rename on the disk before it returns).
 */
export function writeAtomically(path: string, content: string, durable = false): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, content);
  if (durable) syncPath(temporary);
  renameSync(temporary, path);
  if (durable) syncPath(dirname(path));
}

/** Every topic and its partitions; topic definitions persist in `topics.json`. */
export class TopicStore {
  private readonly topics = new Map<string, PartitionLog[]>();

  constructor(private readonly options: StoreOptions) {
    if (options.dataDir === null) return;
    mkdirSync(join(options.dataDir, 'topics'), { recursive: true });
    const listing = join(options.dataDir, 'topics.json');
    if (!existsSync(listing)) return;
    const saved = JSON.parse(readFileSync(listing, 'utf8')) as Record<string, number>;
    for (const [name, partitions] of Object.entries(saved)) this.openTopic(name, partitions);
  }

  names(): string[] {
    return [...this.topics.keys()].sort();
  }

  partitions(topic: string): PartitionLog[] | undefined {
    return this.topics.get(topic);
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.topics.get(topic)?.[index];
  }

  /** Deletes, in every partition, the segments whose records are all older than `cutoff`; returns how many went. */
  dropSegmentsBefore(cutoff: number): number {
    let dropped = 0;
    for (const logs of this.topics.values()) for (const log of logs) dropped += log.dropSegmentsBefore(cutoff);
    return dropped;
  }

  create(name: string, partitions: number): typeof ErrorCode.NONE | ErrorCode {
    if (topicNameProblem(name) !== null) return ErrorCode.INVALID_TOPIC_EXCEPTION;
    if (this.topics.has(name)) return ErrorCode.TOPIC_ALREADY_EXISTS;
    if (partitions === -1) partitions = this.options.defaultPartitions;
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 10_000) return ErrorCode.INVALID_PARTITIONS;
    this.openTopic(name, partitions);
    if (this.options.dataDir !== null && this.options.fsync === 'always')
      syncPath(join(this.options.dataDir, 'topics'));
    this.save();
    return ErrorCode.NONE;
  }

  /** Creates a topic on first use with the default partition count, as `auto.create.topics.enable` does. */
  autoCreate(name: string): PartitionLog[] | undefined {
    if (!this.topics.has(name) && this.create(name, -1) !== ErrorCode.NONE) return undefined;
    return this.topics.get(name);
  }

  delete(name: string): typeof ErrorCode.NONE | ErrorCode {
    const logs = this.topics.get(name);
    if (logs === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    this.topics.delete(name);
    for (const log of logs) log.destroy();
    this.save();
    return ErrorCode.NONE;
  }

  close(): void {
    for (const logs of this.topics.values()) for (const log of logs) log.close();
  }

  private openTopic(name: string, partitions: number): void {
    const logs: PartitionLog[] = [];
    for (let p = 0; p < partitions; p++) {
      const dir = this.options.dataDir === null ? null : join(this.options.dataDir, 'topics', `${name}-${p}`);
      logs.push(
        PartitionLog.open({
          dir,
          fsync: this.options.fsync,
          segmentBytes: this.options.segmentBytes,
          syncFile: this.options.syncFile,
        }),
      );
    }
    this.topics.set(name, logs);
  }

  private save(): void {
    if (this.options.dataDir === null) return;
    const listing: Record<string, number> = {};
    for (const [name, logs] of this.topics) listing[name] = logs.length;
    writeAtomically(
      join(this.options.dataDir, 'topics.json'),
      JSON.stringify(listing),
      this.options.fsync === 'always',
    );
  }
}
