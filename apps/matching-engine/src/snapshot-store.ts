import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PartitionSnapshot } from './partition-books.js';

/** A snapshot file that is there but does not parse (a disk fault, or a crash of the machine on older builds). */
export class UnreadableSnapshot extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`the snapshot ${path} is unreadable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * One JSON file per input partition, replaced atomically and durably: a crash of the process or of the machine
 * leaves the old snapshot or the new one, whole.
 */
export class SnapshotStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** The partition's snapshot; undefined when it has none; throws UnreadableSnapshot when it does not parse. */
  load(partition: number): PartitionSnapshot | undefined {
    const path = this.path(partition);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as PartitionSnapshot;
    } catch (error) {
      throw new UnreadableSnapshot(path, error);
    }
  }

  save(snapshot: PartitionSnapshot): void {
    const path = this.path(snapshot.partition);
    const temporary = `${path}.${process.pid}.tmp`;
    // Written through to the disk before it replaces the old one, and the replacement too: otherwise a machine that
    // stops can come back with the new name on a file whose contents never reached the disk.
    const file = openSync(temporary, 'w');
    try {
      writeSync(file, JSON.stringify(snapshot));
      fsyncSync(file);
    } finally {
      closeSync(file);
    }
    renameSync(temporary, path);
    this.syncDirectory();
  }

  /** Moves an unreadable snapshot out of the way, kept for a look; returns where it went. */
  setAside(partition: number, at: Date): string {
    const aside = `${this.path(partition)}.unreadable-${at.toISOString().replaceAll(':', '-')}`;
    renameSync(this.path(partition), aside);
    this.syncDirectory();
    return aside;
  }

  private syncDirectory(): void {
    const directory = openSync(this.dir, 'r');
    try {
      fsyncSync(directory);
    } finally {
      closeSync(directory);
    }
  }

  private path(partition: number): string {
    return join(this.dir, `partition-${partition}.json`);
  }
}
