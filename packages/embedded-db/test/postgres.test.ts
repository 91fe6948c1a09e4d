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

  it('starts temporary servers on copies of a stopped one, each its own, and refuses a running one', async () => {
    const template = mkdtempSync(join(tmpdir(), 'bolsa-db-template-'));
    onTestFinished(() => rmSync(template, { recursive: true, force: true }));
    const original = await startPostgres({ dataDir: template });
    await query(original.url, "create table seeded (note text); insert into seeded values ('from the template')");
    await expect(startPostgres({ template })).rejects.toMatchObject({
      message: expect.stringMatching(/still running/),
    });
    await original.stop();

    const [a, b] = await Promise.all([startPostgres({ template }), startPostgres({ template })]);
    await query(a.url, "insert into seeded values ('only in a')");
    expect(await query(a.url, 'select note from seeded order by note')).toEqual([
      { note: 'from the template' },
      { note: 'only in a' },
    ]);
    expect(await query(b.url, 'select note from seeded')).toEqual([{ note: 'from the template' }]);
    await Promise.all([a.stop(), b.stop()]);
    // The template is as it was.
    const again = await startPostgres({ dataDir: template });
    expect(await query(again.url, 'select note from seeded')).toEqual([{ note: 'from the template' }]);
    await again.stop();
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

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const results = await client.query(text);
    return (Array.isArray(results) ? results.at(-1) : results).rows;
  } finally {
    await client.end();
  }
}
