// Writes a new migration for what changed in prisma/schema.prisma, with `prisma migrate dev`:
//   pnpm --filter @bolsa/api migration:new add_something      (after `pnpm build` of @bolsa/embedded-db)
// It needs a database to replay the migrations into, so a throwaway embedded PostgreSQL is started for it: every
// migration is applied there, then `migrate dev` writes the new one and applies it too, so a migration that does not
// run never gets written. (`pnpm --filter @bolsa/api migrate:dev` does the same against DATABASE_URL.)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '@bolsa/embedded-db';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: pnpm --filter @bolsa/api migration:new NAME   (lower-case letters, digits, _)');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const db = await startPostgres();
try {
  const prisma = (...args) =>
    execFileSync(process.execPath, ['--require', join(root, 'prisma', 'engine-timers.cjs'), cli, ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: 'inherit',
    });
  prisma('migrate', 'deploy');
  prisma('migrate', 'dev', '--name', name, '--skip-generate', '--skip-seed');
} finally {
  await db.stop();
}
