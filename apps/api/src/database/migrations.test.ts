import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres, type RunningPostgres } from '@bolsa/embedded-db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, migrationsPending, migrationsSummary, runPrismaCli, UP_TO_DATE } from './migrate.js';

const prismaDir = fileURLToPath(new URL('../../prisma/', import.meta.url));

let db: RunningPostgres;
let applied: string;

beforeAll(async () => {
  db = await startPostgres();
  applied = await applyMigrations(db.url);
});

afterAll(async () => {
  await db?.stop();
});

describe('the migrations', () => {
  it('apply with prisma migrate deploy, which says so without its warning about the url generate needs', () => {
    expect(applied).toContain('All migrations have been successfully applied.');
    expect(applied).not.toContain('WARNING');
  });

  it('are summed up in one line: how many were applied and the newest, or that there were none', async () => {
    const names = readdirSync(join(prismaDir, 'migrations'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(migrationsSummary(applied)).toBe(`applied ${names.length} migrations (the newest: ${names.at(-1)})`);
    expect(migrationsSummary(await applyMigrations(db.url))).toBe('no migrations to apply: the database is up to date');
  });

  it('say whether any is pending as prisma migrate deploy would: an up-to-date database skips the CLI', async () => {
    expect(await migrationsPending(db.url)).toBe(false);
    expect(await migrationsPending(await copyOf(db.url, 'never_migrated', null))).toBe(true);
    // The newest not applied yet.
    const behind = await copyOf(db.url, 'one_behind', 'bolsa');
    await sql(
      behind,
      `DELETE FROM _prisma_migrations
        WHERE migration_name = (SELECT max(migration_name) FROM _prisma_migrations)`,
    );
    expect(await migrationsPending(behind)).toBe(true);
    // A migration that failed there, even one this folder does not hold: deploy refuses to go on until it is resolved.
    const failed = await copyOf(db.url, 'one_failed', 'bolsa');
    await sql(
      failed,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES (gen_random_uuid()::text, '', '20990101000000_from_another_branch', now(), 0)`,
    );
    expect(await migrationsPending(failed)).toBe(true);
    await expect(applyMigrations(failed)).rejects.toMatchObject({ message: expect.stringMatching(/P3009/) });
    // Rolled back (marked so with prisma migrate resolve) and applied again: applied.
    const resolved = await copyOf(db.url, 'one_resolved', 'bolsa');
    await sql(
      resolved,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, rolled_back_at, applied_steps_count)
       SELECT gen_random_uuid()::text, checksum, migration_name, started_at, now(), 0 FROM _prisma_migrations LIMIT 1`,
    );
    expect(await migrationsPending(resolved)).toBe(false);
    expect(migrationsSummary(await applyMigrations(resolved))).toBe(UP_TO_DATE);
  });

  it('build exactly the schema in prisma/schema.prisma: prisma migrate diff finds nothing to do', async () => {
    // --exit-code: 2 (a rejection here) when the two differ.
    const script = await runPrismaCli(
      [
        'migrate',
        'diff',
        '--from-migrations',
        join(prismaDir, 'migrations'),
        '--to-schema-datamodel',
        join(prismaDir, 'schema.prisma'),
        '--script',
        '--exit-code',
      ],
      db.url,
    );
    expect(script).toContain('This is an empty migration.');
  });

  it('leave prisma migrate dev nothing to create on a migrated database', async () => {
    expect(await runPrismaCli(['migrate', 'dev', '--skip-generate', '--skip-seed'], db.url)).toContain(
      'Already in sync',
    );
    expect(await shadowDatabases(db.url)).toEqual([]);
  });
});

describe('prisma migrate dev', () => {
  it('writes and applies a migration for a schema change, next to tables with NOT NULL and CHECK constraints', async () => {
    const project = mkdtempSync(join(tmpdir(), 'bolsa-migrate-dev-'));
    try {
      cpSync(join(prismaDir, 'migrations'), join(project, 'migrations'), { recursive: true });
      writeFileSync(
        join(project, 'schema.prisma'),
        `${readFileSync(join(prismaDir, 'schema.prisma'), 'utf8')}
model Probe {
  id    Int    @id
  label String
  @@map("probes")
}
`,
      );
      writeFileSync(join(project, 'prisma.config.ts'), projectConfig(project));
      const output = await runPrismaCli(
        ['migrate', 'dev', '--config', join(project, 'prisma.config.ts'), '--name', 'probes', '--skip-generate'],
        db.url,
      );
      expect(output).toContain('Your database is now in sync with your schema.');
      const created = readdirSync(join(project, 'migrations')).filter((name) => name.endsWith('_probes'));
      expect(created).toHaveLength(1);
      const sql = readFileSync(join(project, 'migrations', created[0] ?? '', 'migration.sql'), 'utf8');
      expect(sql).toContain('CREATE TABLE "probes"');
      expect(sql).not.toMatch(/orders|ledger_entries|DROP/);
      const client = new pg.Client(db.url);
      await client.connect();
      try {
        await client.query(`INSERT INTO probes (id, label) VALUES (1, 'seen')`);
        expect((await client.query('SELECT label FROM probes')).rows).toEqual([{ label: 'seen' }]);
      } finally {
        await client.end();
      }
      expect(await shadowDatabases(db.url)).toEqual([]);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

/** A prisma.config.ts for a copy of the schema and migrations, migrating through the API's own adapter. */
function projectConfig(project: string): string {
  const config = createRequire(import.meta.url).resolve('prisma/config');
  const adapter = fileURLToPath(new URL('./pg-connection.ts', import.meta.url));
  return `import { defineConfig } from ${JSON.stringify(config)};
import { migrationAdapter } from ${JSON.stringify(adapter)};
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: ${JSON.stringify(join(project, 'schema.prisma'))},
  migrations: { path: ${JSON.stringify(join(project, 'migrations'))} },
  adapter: async () => migrationAdapter(process.env.DATABASE_URL ?? ''),
});
`;
}

/** The shadow databases Prisma left behind: none, once each command has disposed of its own. */
async function shadowDatabases(url: string): Promise<string[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`,
    );
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

/** A new database on the server of `url`: empty, or a copy of `template`; returns its url. */
async function copyOf(url: string, name: string, template: string | null): Promise<string> {
  await sql(url, `CREATE DATABASE ${name}${template === null ? '' : ` TEMPLATE ${template}`}`);
  const copy = new URL(url);
  copy.pathname = `/${name}`;
  return copy.toString();
}

async function sql(url: string, statement: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
