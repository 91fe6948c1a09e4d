import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FsyncPolicy } from './partition-log.js';
import { syncFile, SyncQueue, type SyncFile } from './sync-queue.js';
import { writeAtomically } from './topic-store.js';

export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string | null;
}

interface CommitLine {
  readonly g: string;
  readonly t: string;
  readonly p: number;
  readonly o: number;
  readonly m: string | null;
}

/** Rewrite the log once it holds this many superseded lines. */
const COMPACT_AFTER = 50_000;

type Commit = { group: string; topic: string; partition: number; committed: CommittedOffset };

/**
 * Committed consumer-group offsets: an append-only log of JSON lines, replayed on start (last commit wins). A
 * torn last line from a crash is ignored; the log is rewritten with only the live commits when it grows. With fsync
 * 'always' a commit is answered, and read back, once it is on the disk, synced off the event loop as produces are;
 * after a refused sync every commit is refused until the broker restarts, as a partition's log is (the kernel may
 * have dropped those pages, so a later sync that succeeds proves nothing).
 */
export class OffsetStore {
  private readonly offsets = new Map<string, Map<string, CommittedOffset>>();
  private fd: number | null = null;
  private lines = 0;
  private readonly path: string | null;
  /** One sync or rewrite at a time, so the file is never replaced under a sync. */
  private readonly syncs = new SyncQueue(() => this.syncRound());
  /** Written to the file, not yet on the disk: read back only once they are. */
  private unsynced: Commit[] = [];

  constructor(
    dataDir: string | null,
    private readonly fsync: FsyncPolicy,
    private readonly syncFd: SyncFile = syncFile,
  ) {
    this.path = dataDir === null ? null : join(dataDir, 'committed-offsets.log');
    if (this.path === null) return;
    if (existsSync(this.path)) {
      for (const text of readFileSync(this.path, 'utf8').split('\n')) {
        if (text === '') continue;
        let line: CommitLine;
        try {
          line = JSON.parse(text) as CommitLine;
        } catch {
          break;
        }
        this.set(line.g, line.t, line.p, { offset: line.o, metadata: line.m });
      }
    }
    this.rewrite();
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(group)?.get(`${topic}\u0000${partition}`);
  }

  /** Every committed (topic, partition) of a group. */
  topicsOf(group: string): { topic: string; partition: number; committed: CommittedOffset }[] {
    return [...(this.offsets.get(group) ?? new Map<string, CommittedOffset>())].map(([key, committed]) => {
      const [topic, partition] = key.split('\u0000') as [string, string];
      return { topic, partition: Number(partition), committed };
    });
  }

  /**
   * Resolves once the commits are as durable as the policy asks, and from then on they are read back; rejects when
   * the disk refused, and then they never are.
   */
  commit(entries: readonly Commit[]): Promise<void> {
    if (this.syncs.failed) return this.syncs.request();
    if (entries.length === 0) return Promise.resolve();
    if (this.fd === null) {
      this.apply(entries);
      return Promise.resolve();
    }
    writeSync(this.fd, linesOf(entries));
    this.lines += entries.length;
    if (this.fsync === 'never' && this.lines <= COMPACT_AFTER) {
      this.apply(entries);
      return Promise.resolve();
    }
    this.unsynced.push(...entries);
    return this.syncs.request();
  }

  private async syncRound(): Promise<void> {
    const round = this.unsynced;
    this.unsynced = [];
    if (this.lines > COMPACT_AFTER) this.rewrite(round);
    else if (this.fsync === 'always' && this.fd !== null) await this.syncFd(this.fd);
    this.apply(round);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private apply(entries: readonly Commit[]): void {
    for (const { group, topic, partition, committed } of entries) this.set(group, topic, partition, committed);
  }

  private set(group: string, topic: string, partition: number, committed: CommittedOffset): void {
    let byPartition = this.offsets.get(group);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.offsets.set(group, byPartition);
    }
    byPartition.set(`${topic}\u0000${partition}`, committed);
  }

  /** Replaces the log with the live commits and, after them (the last line wins), those not yet applied. */
  private rewrite(pending: readonly Commit[] = []): void {
    if (this.path === null) return;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    const live = [...this.offsets.keys()].flatMap((group) =>
      this.topicsOf(group).map(({ topic, partition, committed }) => ({ group, topic, partition, committed })),
    );
    writeAtomically(this.path, linesOf(live) + linesOf(pending), this.fsync === 'always');
    this.fd = openSync(this.path, 'a');
    this.lines = live.length + pending.length;
  }
}

function linesOf(entries: readonly Commit[]): string {
  let text = '';
  for (const { group, topic, partition, committed } of entries) {
    const line: CommitLine = { g: group, t: topic, p: partition, o: committed.offset, m: committed.metadata };
    text += `${JSON.stringify(line)}\n`;
  }
  return text;
}
