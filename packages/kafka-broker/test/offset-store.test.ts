import { fdatasync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OffsetStore } from '../src/storage/offset-store.js';
import { eventually, temporaryDir } from './helpers.js';

const commit = (store: OffsetStore, partition: number, offset: number) =>
  store.commit([{ group: 'g', topic: 't', partition, committed: { offset, metadata: null } }]);

describe('committed offsets', () => {
  it('are answered once on the disk with fsync always, and read back by the next start', async () => {
    const dir = temporaryDir('offsets');
    const store = new OffsetStore(dir, 'always');
    await Promise.all([commit(store, 0, 5), commit(store, 1, 7), commit(store, 0, 9)]);
    expect(store.get('g', 't', 0)?.offset).toBe(9);
    store.close();
    const again = new OffsetStore(dir, 'always');
    expect([again.get('g', 't', 0)?.offset, again.get('g', 't', 1)?.offset]).toEqual([9, 7]);
    again.close();
  });

  it('rewrite their log with only the live commits once it grows, keeping every commit made meanwhile', async () => {
    const dir = temporaryDir('offsets-compacted');
    const store = new OffsetStore(dir, 'never');
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 50_010; i++) pending.push(commit(store, i % 3, i));
    await Promise.all(pending);
    await commit(store, 3, 1);
    store.close();
    expect(readFileSync(join(dir, 'committed-offsets.log'), 'utf8').split('\n').length).toBeLessThan(100);
    const again = new OffsetStore(dir, 'never');
    expect([0, 1, 2, 3].map((p) => again.get('g', 't', p)?.offset)).toEqual([50_007, 50_008, 50_009, 1]);
    again.close();
  });

  it('are read back only once on the disk', async () => {
    const held: (() => void)[] = [];
    const store = new OffsetStore(
      temporaryDir('offsets-held'),
      'always',
      (fd) => new Promise((resolve, reject) => held.push(() => fdatasync(fd, (e) => (e ? reject(e) : resolve())))),
    );
    const first = commit(store, 0, 5);
    expect(store.get('g', 't', 0)).toBeUndefined();
    held.shift()!();
    await first;
    expect(store.get('g', 't', 0)?.offset).toBe(5);
    const second = commit(store, 0, 9);
    await eventually(() => (held.length === 1 ? true : undefined));
    expect(store.get('g', 't', 0)?.offset).toBe(5);
    held.shift()!();
    await second;
    expect(store.get('g', 't', 0)?.offset).toBe(9);
    store.close();
  });

  it('after a refused sync refuse every commit, and never read back one the disk refused', async () => {
    let refuse = false;
    const store = new OffsetStore(temporaryDir('offsets-refused'), 'always', async (fd) => {
      if (refuse) throw new Error('EIO: i/o error, fdatasync');
      await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
    });
    await commit(store, 0, 5);
    refuse = true;
    await expect(commit(store, 0, 9)).rejects.toMatchObject({ message: expect.stringContaining('EIO') });
    expect(store.get('g', 't', 0)?.offset).toBe(5);
    refuse = false;
    await expect(commit(store, 1, 3)).rejects.toMatchObject({ message: expect.stringContaining('EIO') });
    expect(store.get('g', 't', 1)).toBeUndefined();
    store.close();
  });
});
