import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

describe('GroupCommit', () => {
  it('sends a lone request at once and groups the ones that arrive while a batch is in flight', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        await new Promise((resolve) => setTimeout(resolve, 10));
        return items.map((item) => item * 10);
      },
      1,
      3,
    );
    const first = group.submit(1);
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map((item) => group.submit(item));
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('with gatherTurn, starts a batch after the current turn, with every request made in it', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        await new Promise((resolve) => setTimeout(resolve, 10));
        return items;
      },
      1,
      10,
      true,
    );
    const first = [1, 2, 3].map((item) => group.submit(item));
    expect(batches).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    const later = group.submit(4);
    expect(await Promise.all([...first, later])).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('fails every request of a failed batch and goes on with the next', async () => {
    let calls = 0;
    const group = new GroupCommit<string, string>(
      async (items) => {
        calls++;
        await Promise.resolve();
        if (calls === 1) throw new Error('boom');
        return items;
      },
      1,
      10,
    );
    const failing = group.submit('a');
    const next = group.submit('b');
    await expect(failing).rejects.toMatchObject({ message: expect.stringContaining('boom') });
    await expect(next).resolves.toBe('b');
  });
});
