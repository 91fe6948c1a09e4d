import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQueryable,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';

/**
 * Connection fields from a postgresql:// URL: the adapter's shadow database needs fields, not a string. The URL's
 * parameters are pg's (`sslmode`, `sslrootcert`, `application_name`, `options`…), so a server that takes only TLS
 * is reached with `?sslmode=…` as with any pg client.
 *
 * Every session runs in UTC, whatever the server's own zone: `timestamp(3)` columns hold UTC (as Prisma writes
 * them), and a column default or `now()` stored in one would otherwise be the server's local time (a server set up
 * in Brazil would date every order three hours back, and the engine would refuse it as stale).
 */
export function connectionFields(url: string): pg.ClientConfig & { database: string } {
  const protocol = /^([a-z]+:)/i.exec(url)?.[1];
  if (protocol !== 'postgresql:' && protocol !== 'postgres:') {
    throw new Error(`DATABASE_URL must be a postgresql:// URL, not ${protocol ?? 'that'}`);
  }
  const parsed = parseIntoClientConfig(url);
  return {
    ...parsed,
    database: parsed.database || 'postgres',
    options: [parsed.options, UTC_SESSIONS].filter((part) => part !== undefined && part !== '').join(' '),
  };
}

const UTC_SESSIONS = '-c TimeZone=UTC';

/**
 * Prisma's schema engine reads catalog columns of PostgreSQL's internal types "char" (OID 18) and name (OID 19),
 * which the pg adapter cannot map. A name is plain text to the engine; a "char" (pg_constraint.contype and the like)
 * it reads as a character and panics on anything else ("RuntimeError: unreachable" from `migrate dev` as soon as a
 * table has a CHECK constraint), so those columns are relabelled text for the adapter and their rows remembered,
 * and the adapter's answer then reports them as characters.
 */
const CATALOG_CHAR = 18;
const CATALOG_NAME = 19;
const TEXT = 25;
const characterColumns = new WeakMap<unknown[], number[]>();

interface CatalogResult {
  fields?: { name: string; dataTypeID: number }[];
  rows?: unknown[];
}

function relabel<T>(result: T): T {
  const catalog = result as CatalogResult;
  if (catalog.fields === undefined || catalog.rows === undefined) return result;
  dropNotNullConstraints(catalog);
  const characters: number[] = [];
  catalog.fields.forEach((field, column) => {
    if (field.dataTypeID === CATALOG_CHAR) characters.push(column);
    if (field.dataTypeID === CATALOG_CHAR || field.dataTypeID === CATALOG_NAME) field.dataTypeID = TEXT;
  });
  if (characters.length > 0) characterColumns.set(catalog.rows, characters);
  return result;
}

/**
 * PostgreSQL 18 lists every NOT NULL column as a pg_constraint row of type 'n', which Prisma 6's schema engine lets
 * into its constraint query and then panics on (prisma/orm#29635). It reads nullability from pg_attribute, so those
 * rows are dropped.
 */
function dropNotNullConstraints(result: CatalogResult): void {
  const column = result.fields?.findIndex(
    (field) => field.name === 'constraint_type' && field.dataTypeID === CATALOG_CHAR,
  );
  if (column === undefined || column < 0 || result.rows === undefined) return;
  result.rows = result.rows.filter((row) => !Array.isArray(row) || row[column] !== 'n');
}

function relabelQueries(target: object): void {
  const holder = target as { query: (...args: unknown[]) => unknown };
  const query = holder.query.bind(target);
  holder.query = (...args: unknown[]) => {
    const result = query(...args);
    return result instanceof Promise ? result.then(relabel) : result;
  };
}

function reportCharacters(adapter: SqlQueryable): void {
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const column of characterColumns.get(result.rows) ?? []) {
      result.columnTypes[column] = ColumnTypeEnum.Character;
    }
    return result;
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
  const mainPool = new CatalogFriendlyPool({ ...fields, allowExitOnIdle: true });
  const main = new PrismaPg(mainPool);
  return {
    provider: 'postgres',
    adapterName: main.adapterName,
    async connect() {
      const adapter = await main.connect();
      runScriptsWhole(adapter, mainPool);
      reportCharacters(adapter);
      return adapter;
    },
    async connectToShadowDb() {
      const admin = await main.connect();
      const database = `prisma_migrate_shadow_db_${randomUUID()}`;
      await admin.executeScript(`CREATE DATABASE "${database}"`);
      const shadowPool = new CatalogFriendlyPool({ ...fields, database, allowExitOnIdle: true });
      const shadow = await new PrismaPg(shadowPool).connect();
      runScriptsWhole(shadow, shadowPool);
      reportCharacters(shadow);
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
