import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PartitionSnapshot } from './partition-books.js';

/** One JSON file per input partition, replaced atomically: a crash leaves the old snapshot or the new one. */
export class SnapshotStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  load(partition: number): PartitionSnapshot | undefined {
    const path = this.path(partition);
    if (!existsSync(path)) return undefined;
    return JSON.parse(readFileSync(path, 'utf8')) as PartitionSnapshot;
  }

  save(snapshot: PartitionSnapshot): void {
    const path = this.path(snapshot.partition);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(snapshot));
    renameSync(temporary, path);
  }

  private path(partition: number): string {
    return join(this.dir, `partition-${partition}.json`);
  }
}
