import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { connectionFields } from './pg-connection.js';

const run = promisify(execFile);

/** The API's root: the nearest directory above this file holding prisma.config.ts (from src or dist alike). */
function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'prisma.config.ts'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('prisma.config.ts not found above the API sources');
    dir = parent;
  }
  return dir;
}

/** Runs the Prisma CLI (`prisma/engine-timers.cjs` lets it exit once done) and returns what it printed. */
export async function runPrismaCli(args: readonly string[], databaseUrl: string): Promise<string> {
  const root = appRoot();
  const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  const { stdout } = await run(
    process.execPath,
    ['--require', join(root, 'prisma', 'engine-timers.cjs'), cli, ...args],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    },
  );
  return stdout;
}

/**
 * Prisma 6's `generate` needs the datasource url that the schema names, and every other command then warns that a
 * driver adapter makes it unused: true, and nothing to act on, so applying migrations leaves it out.
 */
const UNUSED_URL_WARNING =
  /^WARNING: Your schema specifies the following datasource properties[\s\S]*?driver adapters\.\n+/m;

/** Applies every pending migration with `prisma migrate deploy`, the way production does; returns what it said. */
export async function applyMigrations(databaseUrl: string): Promise<string> {
  return (await runPrismaCli(['migrate', 'deploy'], databaseUrl)).replace(UNUSED_URL_WARNING, '');
}

/** What `migrationsSummary` says when there was nothing to apply. */
export const UP_TO_DATE = 'no migrations to apply: the database is up to date';

/**
 * Whether `prisma migrate deploy` has anything to do: a migration of `prisma/migrations` that the database has not
 * finished applying, or one that failed there (which deploy stops at, saying so), or no migrations table yet. Read
 * in one query, where the Prisma CLI takes a couple of seconds to start: a restart on an up-to-date database skips it.
 */
export async function migrationsPending(databaseUrl: string): Promise<boolean> {
  const folder = join(appRoot(), 'prisma', 'migrations');
  const local = readdirSync(folder, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  const client = new pg.Client(connectionFields(databaseUrl));
  await client.connect();
  try {
    const { rows } = await client.query<{ applied: string[] | null; unfinished: number }>(
      `SELECT array_agg(migration_name) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL) AS applied,
              count(*) FILTER (WHERE finished_at IS NULL AND rolled_back_at IS NULL)::int AS unfinished
         FROM _prisma_migrations`,
    );
    const applied = new Set(rows[0]?.applied ?? []);
    return rows[0]?.unfinished !== 0 || local.some((entry) => !applied.has(entry.name));
  } catch (error) {
    // No migrations table: a database never migrated.
    if ((error as { code?: string }).code === '42P01') return true;
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * What `prisma migrate deploy` said, in one line: how many migrations it applied (the newest named), or that there
 * were none to apply. Its own account lists every migration a first start applies, a hundred lines of tree; anything
 * else it may say comes back whole.
 */
export function migrationsSummary(output: string): string {
  const applied = [...output.matchAll(/└─ (\S+)\/$/gm)].map((match) => match[1]!);
  if (applied.length > 0) {
    const count = applied.length === 1 ? '1 migration' : `${applied.length} migrations`;
    return `applied ${count} (the newest: ${applied.at(-1)!})`;
  }
  if (/No pending migrations to apply/.test(output)) return UP_TO_DATE;
  return output.trim();
}
