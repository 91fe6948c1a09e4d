import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

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
  if (/No pending migrations to apply/.test(output)) return 'no migrations to apply: the database is up to date';
  return output.trim();
}
