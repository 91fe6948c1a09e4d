import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INSTRUMENTS } from '@bolsa/contracts';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { PartitionBooks } from '../src/partition-books.js';
import { expectLastCommandInLog, snapshotToResume, UnrecoverablePartition } from '../src/partition-recovery.js';
import { SnapshotStore } from '../src/snapshot-store.js';
import { orderFlow } from './commands.js';

const logger = pino({ level: 'silent' });
const instruments = new Map(DEFAULT_INSTRUMENTS.map((instrument) => [instrument.symbol, instrument]));
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A store holding partition 1's snapshot after `count` commands, and those commands. */
function storeAfter(count: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bolsa-recovery-'));
  dirs.push(dir);
  const store = new SnapshotStore(dir);
  const commands = orderFlow(count, ['PETR4']);
  const books = new PartitionBooks(1, instruments);
  commands.forEach((command, offset) => books.apply(command, offset));
  store.save(books.snapshot());
  return { dir, store, commands };
}

describe('recovering a partition', () => {
  it('resumes from its snapshot when the log goes on from it, and from the start with no snapshot and a whole log', () => {
    const { store, commands } = storeAfter(40);
    expect(snapshotToResume(store, 1, { start: 0, end: 40 }, logger)?.nextOffset).toBe(40);
    expect(snapshotToResume(store, 1, { start: 30, end: 90 }, logger)?.lastCommandId).toBe(commands[39]!.commandId);
    expect(snapshotToResume(store, 2, { start: 0, end: 90 }, logger)).toBeUndefined();
  });

  it('refuses another partition’s snapshot before looking at the log', () => {
    const { dir, store } = storeAfter(40);
    copyFileSync(join(dir, 'partition-1.json'), join(dir, 'partition-0.json'));
    expect(() => snapshotToResume(store, 0, { start: 0, end: 10 }, logger)).toThrow(
      /^partition 0: snapshot of another partition \(1\)$/,
    );
  });

  it('refuses a snapshot ahead of the log, and no snapshot when the log no longer begins at 0', () => {
    const { store } = storeAfter(40);
    expect(() => snapshotToResume(store, 1, { start: 0, end: 39 }, logger)).toThrow(
      /partition 1: its snapshot has applied the commands up to offset 39, but the command log ends before offset 39: the broker lost records/,
    );
    expect(() => snapshotToResume(store, 2, { start: 500, end: 900 }, logger)).toThrow(UnrecoverablePartition);
    expect(() => snapshotToResume(store, 2, { start: 500, end: 900 }, logger)).toThrow(/begins at offset 500/);
  });

  it('sets an unreadable snapshot aside when the whole log is there, and refuses it when it is not', () => {
    const { dir, store } = storeAfter(10);
    writeFileSync(join(dir, 'partition-1.json'), '{"format":1,"parti');
    expect(() => snapshotToResume(store, 1, { start: 5, end: 10 }, logger)).toThrow(
      /is unreadable.*begins at offset 5/,
    );
    expect(snapshotToResume(store, 1, { start: 0, end: 10 }, logger)).toBeUndefined();
    expect(readdirSync(dir).filter((name) => name.startsWith('partition-1.json.unreadable-'))).toHaveLength(1);
  });

  it('refuses a log holding another command at the snapshot’s last offset', () => {
    const { store, commands } = storeAfter(40);
    const snapshot = store.load(1)!;
    expect(() => expectLastCommandInLog(1, snapshot, commands[39]!.commandId)).not.toThrow();
    expect(() => expectLastCommandInLog(1, snapshot, commands[38]!.commandId)).toThrow(
      new RegExp(`has command ${commands[38]!.commandId} at offset 39, where its snapshot applied command`),
    );
    expect(() => expectLastCommandInLog(1, snapshot, null)).toThrow(/no command this engine reads/);
    // A snapshot of an earlier build names no command: nothing to compare.
    const { lastCommandId: _, ...older } = snapshot;
    expect(() => expectLastCommandInLog(1, older, null)).not.toThrow();
  });
});
