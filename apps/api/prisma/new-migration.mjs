// Writes a new migration from the difference between the schema as last committed and the schema now:
//   node prisma/new-migration.mjs add_something        (after `pnpm build` of @bolsa/embedded-db)
// `prisma migrate dev` works on an empty database here, but its wasm engine stops with "unreachable" once
// migrations exist. `migrate diff` between two schema files works; through the driver adapter it still wants a
// live database, so a throwaway embedded PostgreSQL is started for it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '@bolsa/embedded-db';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: node prisma/new-migration.mjs NAME   (lower-case letters, digits, _)');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const previous = join(mkdtempSync(join(tmpdir(), 'bolsa-schema-')), 'schema.prisma');
writeFileSync(previous, execFileSync('git', ['show', 'HEAD:apps/api/prisma/schema.prisma'], { cwd: root }));
const db = await startPostgres();
try {
  const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  const sql = execFileSync(
    process.execPath,
    [
      cli,
      'migrate',
      'diff',
      '--from-schema-datamodel',
      previous,
      '--to-schema-datamodel',
      'prisma/schema.prisma',
      '--script',
    ],
    { cwd: root, env: { ...process.env, DATABASE_URL: db.url }, stdio: ['ignore', 'pipe', 'inherit'] },
  )
    .toString()
    .replace(/^\s+/, '');
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const dir = join(root, 'prisma', 'migrations', `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'migration.sql'), sql);
  console.log(`wrote ${dir}/migration.sql`);
} finally {
  await db.stop();
}
