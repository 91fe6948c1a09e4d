import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

/** Connection fields from a postgresql:// URL: the adapter's shadow database needs fields, not a string. */
export function connectionFields(url: string): pg.PoolConfig & { database: string } {
  const parsed = new URL(url);
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new Error(`DATABASE_URL must be a postgresql:// URL, not ${parsed.protocol}`);
  }
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? 5432 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)) || 'postgres',
  };
}

/**
 * Prisma's schema engine reads catalog columns of PostgreSQL's internal types "char" (OID 18) and name (OID 19),
 * which the pg adapter cannot map; they are plain text for every purpose here, so results relabel them.
 */
const CATALOG_TEXT_TYPES = new Set([18, 19]);
const TEXT = 25;

function relabel<T>(result: T): T {
  for (const field of (result as { fields?: { dataTypeID: number }[] }).fields ?? []) {
    if (CATALOG_TEXT_TYPES.has(field.dataTypeID)) field.dataTypeID = TEXT;
  }
  return result;
}

function relabelQueries(target: object): void {
  const holder = target as { query: (...args: unknown[]) => unknown };
  const query = holder.query.bind(target);
  holder.query = (...args: unknown[]) => {
    const result = query(...args);
    return result instanceof Promise ? result.then(relabel) : result;
  };
}

export class CatalogFriendlyPool extends pg.Pool {
  constructor(config: pg.PoolConfig) {
    super(config);
    relabelQueries(this);
    this.on('connect', (client) => relabelQueries(client));
  }
}

/**
 * The stock adapter runs a migration script by splitting it at every `;`, which breaks any function body. A
 * script goes to PostgreSQL whole instead (one simple query runs several statements, atomically).
 */
function runScriptsWhole(adapter: object, pool: pg.Pool): void {
  const target = adapter as { executeScript(script: string): Promise<void>; onError(error: unknown): never };
  target.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (error) {
      target.onError(error);
    }
  };
}

/**
 * The driver adapter the Prisma CLI migrates with (scripts run whole). Its shadow database is created here and, on dispose, its pool
 * is closed before the database is dropped (the stock adapter drops first, which PostgreSQL refuses).
 */
export function migrationAdapter(url: string): SqlMigrationAwareDriverAdapterFactory {
  const fields = connectionFields(url);
  const mainPool = new CatalogFriendlyPool(fields);
  const main = new PrismaPg(mainPool);
  return {
    provider: 'postgres',
    adapterName: main.adapterName,
    async connect() {
      const adapter = await main.connect();
      runScriptsWhole(adapter, mainPool);
      return adapter;
    },
    async connectToShadowDb() {
      const admin = await main.connect();
      const database = `prisma_migrate_shadow_db_${randomUUID()}`;
      await admin.executeScript(`CREATE DATABASE "${database}"`);
      const shadowPool = new CatalogFriendlyPool({ ...fields, database });
      const shadow = await new PrismaPg(shadowPool).connect();
      runScriptsWhole(shadow, shadowPool);
      const disposeShadow = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await disposeShadow();
        await shadowPool.end();
        await admin.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
        await admin.dispose();
      };
      return shadow;
    },
  };
}
