import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FsyncPolicy } from './partition-log.js';
import { syncFile, SyncQueue } from './sync-queue.js';
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

/**
 * Committed consumer-group offsets: an append-only log of JSON lines, replayed on start (last commit wins). A
 * torn last line from a crash is ignored; the log is rewritten with only the live commits when it grows. With fsync
 * 'always' a commit is answered once it is on the disk, synced off the event loop as produces are.
 */
export class OffsetStore {
  private readonly offsets = new Map<string, Map<string, CommittedOffset>>();
  private fd: number | null = null;
  private lines = 0;
  private readonly path: string | null;
  /** One sync or rewrite at a time, so the file is never replaced under a sync. */
  private readonly syncs = new SyncQueue(() => this.syncRound());

  constructor(
    dataDir: string | null,
    private readonly fsync: FsyncPolicy,
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

  /** Records the commits at once (read back from now on); resolves once they are as durable as the policy asks. */
  commit(
    entries: readonly { group: string; topic: string; partition: number; committed: CommittedOffset }[],
  ): Promise<void> {
    let text = '';
    for (const { group, topic, partition, committed } of entries) {
      this.set(group, topic, partition, committed);
      const line: CommitLine = { g: group, t: topic, p: partition, o: committed.offset, m: committed.metadata };
      text += `${JSON.stringify(line)}\n`;
    }
    if (this.fd === null || text === '') return Promise.resolve();
    writeSync(this.fd, text);
    this.lines += entries.length;
    if (this.fsync === 'always' || this.lines > COMPACT_AFTER) return this.syncs.request();
    return Promise.resolve();
  }

  private async syncRound(): Promise<void> {
    if (this.lines > COMPACT_AFTER) this.rewrite();
    else if (this.fsync === 'always' && this.fd !== null) await syncFile(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private set(group: string, topic: string, partition: number, committed: CommittedOffset): void {
    let byPartition = this.offsets.get(group);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.offsets.set(group, byPartition);
    }
    byPartition.set(`${topic}\u0000${partition}`, committed);
  }

  private rewrite(): void {
    if (this.path === null) return;
    if (this.fd !== null) closeSync(this.fd);
    let text = '';
    let count = 0;
    for (const group of this.offsets.keys()) {
      for (const { topic, partition, committed } of this.topicsOf(group)) {
        const line: CommitLine = { g: group, t: topic, p: partition, o: committed.offset, m: committed.metadata };
        text += `${JSON.stringify(line)}\n`;
        count++;
      }
    }
    writeAtomically(this.path, text, this.fsync === 'always');
    this.fd = openSync(this.path, 'a');
    this.lines = count;
  }
}
