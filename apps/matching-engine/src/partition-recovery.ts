import type { Logger } from 'pino';
import type { PartitionSnapshot } from './partition-books.js';
import { UnreadableSnapshot, type SnapshotStore } from './snapshot-store.js';

/** A partition whose books this engine cannot rebuild: it exits saying why rather than leave them without a market. */
export class UnrecoverablePartition extends Error {
  // The cause's message is in this one; given as `cause` too, pino would print it twice.
  constructor(partition: number, cause: unknown) {
    super(`partition ${partition}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Where a partition's command log begins, and the offset its next command will have. */
export interface CommandLogBounds {
  readonly start: number;
  readonly end: number;
}

/**
 * The snapshot a partition's books resume from (undefined: from the log's beginning), checked against the command
 * log they must go on with. One that is there but unreadable is set aside and the partition rebuilt from its whole
 * command log, when Kafka still has all of it (the embedded broker keeps everything; events already published are
 * recognised and not published again). One that has applied commands the log no longer has (the broker lost
 * records it had acknowledged) would take the next commands for ones it applied, and skip them: never resumed.
 * Nor is a partition with no snapshot whose log no longer begins at 0 (a retention limit passed).
 */
export function snapshotToResume(
  store: SnapshotStore,
  partition: number,
  log: CommandLogBounds,
  logger: Logger,
): PartitionSnapshot | undefined {
  let snapshot: PartitionSnapshot | undefined;
  try {
    snapshot = store.load(partition);
  } catch (error) {
    if (!(error instanceof UnreadableSnapshot)) throw error;
    if (log.start > 0) {
      const why = `the command log now begins at offset ${log.start}: restore the snapshot from a backup`;
      throw new UnrecoverablePartition(partition, new Error(`${error.message}, and ${why}`));
    }
    const aside = store.setAside(partition, new Date());
    logger.error(
      { partition, err: error, setAside: aside },
      'unreadable snapshot set aside: rebuilding the partition from its whole command log',
    );
    return undefined;
  }
  if (snapshot !== undefined && (snapshot.format !== 1 || snapshot.partition !== partition)) {
    throw new UnrecoverablePartition(partition, new Error(`snapshot of another partition (${snapshot.partition})`));
  }
  if (snapshot === undefined && log.start > 0) {
    // Books rebuilt from a log missing its beginning would not be the books the events came from; and a consumer
    // asked for offset 0 there is sent to the log's start, which is a gap again, for ever.
    const where = `it has no snapshot, and the command log now begins at offset ${log.start}`;
    throw new UnrecoverablePartition(partition, new Error(`${where}: restore the snapshot from a backup`));
  }
  if (snapshot !== undefined && snapshot.nextOffset > log.end) {
    const where = `its snapshot has applied the commands up to offset ${snapshot.nextOffset - 1}, but the command log ends before offset ${log.end}`;
    throw new UnrecoverablePartition(partition, new Error(`${where}: ${LOST_RECORDS}`));
  }
  return snapshot;
}

/**
 * The command the log holds at the snapshot's last offset must be the one the snapshot applied there: a broker that
 * lost records and has taken new ones since can be as long as the snapshot expects, with other commands in it.
 * `inLog` is that record's command id (null: not a command this engine reads).
 */
export function expectLastCommandInLog(partition: number, snapshot: PartitionSnapshot, inLog: string | null): void {
  const applied = snapshot.lastCommandId;
  if (applied === undefined || applied === null || applied === inLog) return;
  const found = inLog === null ? 'no command this engine reads' : `command ${inLog}`;
  const where = `the command log has ${found} at offset ${snapshot.nextOffset - 1}, where its snapshot applied command ${applied}`;
  throw new UnrecoverablePartition(partition, new Error(`${where}: ${LOST_RECORDS}`));
}

const LOST_RECORDS =
  'the broker lost records it had acknowledged (a machine that stopped before writing them out, or another ' +
  'broker). Restore the broker’s data, or a snapshot that matches it';
