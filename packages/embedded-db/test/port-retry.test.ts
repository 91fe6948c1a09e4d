import { createServer } from 'node:net';
import pg from 'pg';
import { expect, it, onTestFinished, vi } from 'vitest';
import { startPostgres } from '../src/index.js';
import * as ports from '../src/ports.js';

// The picked port is handed out taken on purpose: the race with another suite, made certain.
vi.mock('../src/ports.js', async (original) => {
  const actual = await original<typeof ports>();
  return { ...actual, freePort: vi.fn(actual.freePort) };
});

it('starts again on another port when the free port it picked was taken before the server bound it', async () => {
  const actual = await vi.importActual<typeof ports>('../src/ports.js');
  const holder = createServer();
  const taken = await actual.freePort();
  await new Promise<void>((resolve) => holder.listen(taken, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => holder.close(() => resolve())));
  vi.mocked(ports.freePort).mockResolvedValueOnce(taken);
  const lines: string[] = [];

  const server = await startPostgres({ log: (line) => lines.push(line), avoidPorts: [12_345] });
  onTestFinished(() => server.stop());

  expect(lines.join('\n')).toMatch(/already in use/);
  expect(server.port).not.toBe(taken);
  expect(vi.mocked(ports.freePort)).toHaveBeenCalledTimes(2);
  // Both picks keep clear of the ports the caller is about to use.
  expect(vi.mocked(ports.freePort).mock.calls).toEqual([[[12_345]], [[12_345]]]);
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  onTestFinished(() => client.end());
  expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
});
