import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '@bolsa/embedded-db';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../src/database/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A stopped PostgreSQL's data directory with every migration applied: each test API starts on a copy of it. */
    migratedPostgres: string;
  }
}

let template: string | undefined;

/**
 * Migrates one database for the whole run: each suite's server then starts on a copy of it (`startTestApi`), rather
 * than running initdb and the Prisma CLI again, some 3 s each. The migrations themselves are tested on fresh servers
 * (`src/database/migrations.test.ts`).
 */
export async function setup(project: TestProject): Promise<void> {
  template = mkdtempSync(join(tmpdir(), 'bolsa-api-migrated-'));
  const db = await startPostgres({ dataDir: template });
  try {
    await applyMigrations(db.url);
  } finally {
    await db.stop();
  }
  project.provide('migratedPostgres', template);
}

export function teardown(): void {
  if (template !== undefined) rmSync(template, { recursive: true, force: true });
}
