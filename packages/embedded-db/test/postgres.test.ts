import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startPostgres } from '../src/index.js';

describe('embedded PostgreSQL', () => {
  it('starts a real server whose data survives a restart on the same directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bolsa-db-test-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startPostgres({ dataDir });
    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    const version = await client.query<{ server_version: string }>('show server_version');
    expect(Number(version.rows[0]!.server_version.split('.')[0])).toBeGreaterThanOrEqual(18);
    await client.query('create table kept (id int primary key, note text)');
    await client.query("insert into kept values (1, 'survives')");
    await client.end();
    await first.stop();

    const second = await startPostgres({ dataDir });
    const again = new pg.Client({ connectionString: second.url });
    await again.connect();
    expect((await again.query('select note from kept where id = 1')).rows).toEqual([{ note: 'survives' }]);
    await again.end();
    await second.stop();
  });

  it('says why a server stopped before it was ready: here, its port taken by another', async () => {
    const first = await startPostgres();
    onTestFinished(() => first.stop());
    const lines: string[] = [];
    const refusal: unknown = await startPostgres({ port: first.port, log: (line) => lines.push(line) }).then(
      async (second) => {
        await second.stop();
        return null;
      },
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).message).toMatch(
      new RegExp(
        `^PostgreSQL on port ${first.port} stopped before it was ready:\\n[\\s\\S]*(already in use|lock file)`,
      ),
    );
    expect(lines.join('\n')).toMatch(/already in use|lock file/);
  });

  it('runs two servers side by side on different free ports', async () => {
    const [a, b] = await Promise.all([startPostgres(), startPostgres()]);
    try {
      expect(a.port).not.toBe(b.port);
      for (const server of [a, b]) {
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
        await client.end();
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
