import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { promisify } from 'node:util';

const fdatasyncAsync = promisify(fdatasync);

/** How a file's written bytes reach the disk; replaceable so a test can make the disk fail. */
export type SyncFile = (fd: number) => Promise<void>;

/** Off the event loop, on libuv's thread pool: a sync takes 0.3-10 ms here, which the broker's clients would wait. */
export const syncFile: SyncFile = (fd) => fdatasyncAsync(fd);

/**
 * fsync of a file or a directory by name (a directory's fsync makes its entries, a new file's name, durable). On the
 * event loop: it is for what happens rarely (a topic created, a segment started, a small file replaced).
 */
export function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * One sync round at a time, and every request made while one runs is answered by the next: requests arriving
 * together share a sync (group commit), as a database's commits share a WAL flush. A round that fails refuses every
 * request after it with its error: after a refused sync the kernel may have dropped those pages, so a later sync
 * that succeeds proves nothing.
 */
export class SyncQueue {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private firstFailure: unknown = null;

  constructor(private readonly round: () => Promise<void>) {}

  /** Whether a round has failed (and every request is refused from then on). */
  get failed(): boolean {
    return this.firstFailure !== null;
  }

  request(): Promise<void> {
    if (this.firstFailure !== null) return Promise.reject(this.firstFailure as Error);
    if (this.running === null) return this.start();
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.start();
      });
    return this.queued;
  }

  private start(): Promise<void> {
    if (this.firstFailure !== null) return Promise.reject(this.firstFailure as Error);
    const round: Promise<void> = this.round()
      .catch((error: unknown) => {
        this.firstFailure ??= error;
        throw error;
      })
      .finally(() => {
        if (this.running === round) this.running = null;
      });
    this.running = round;
    return round;
  }
}
