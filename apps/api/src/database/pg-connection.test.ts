import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type RunningPostgres } from '@bolsa/embedded-db';
import { selfSignedCertificate } from '@bolsa/kafka-broker/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate.js';
import { connectionFields } from './pg-connection.js';

let db: RunningPostgres;
let dataDir: string;

/** What `url`'s session reports about itself, through the fields the API connects with. */
async function session(url: string): Promise<{ ssl: boolean; zone: string; timeout: string; app: string }> {
  const client = new pg.Client(connectionFields(url));
  await client.connect();
  try {
    const { rows } = await client.query<{ ssl: boolean; zone: string; timeout: string; app: string }>(
      `SELECT ssl, current_setting('TimeZone') AS zone, current_setting('statement_timeout') AS timeout,
              current_setting('application_name') AS app
         FROM pg_stat_ssl WHERE pid = pg_backend_pid()`,
    );
    return rows[0]!;
  } finally {
    await client.end();
  }
}

// A server that takes TLS connections only, as managed PostgreSQL services often are: a self-signed certificate
// made here, and pg_hba refusing every connection without encryption.
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bolsa-pg-tls-'));
  db = await startPostgres({ dataDir });
  // server.key and server.crt in the data directory: where PostgreSQL looks for them.
  const { keyFile: key, certFile: certificate } = selfSignedCertificate(dataDir);
  // The server (run as `postgres` when we are root) must own its key, readable by it alone.
  const { uid, gid } = statSync(join(dataDir, 'PG_VERSION'));
  for (const file of [key, certificate]) chownSync(file, uid, gid);
  chmodSync(key, 0o600);
  const hba = join(dataDir, 'pg_hba.conf');
  writeFileSync(hba, `hostnossl all all all reject\n${readFileSync(hba, 'utf8')}`);
  const admin = new pg.Client(connectionFields(db.url));
  await admin.connect();
  await admin.query(`ALTER SYSTEM SET ssl = on`);
  await admin.query('SELECT pg_reload_conf()');
  await admin.end();
});

afterAll(async () => {
  await db?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('connecting to PostgreSQL from a DATABASE_URL', () => {
  it('uses TLS when the URL asks for it, as a server that takes nothing else requires', async () => {
    await expect(session(db.url)).rejects.toMatchObject({ message: expect.stringMatching(/no encryption/) });
    const tls = `${db.url}?sslmode=no-verify`;
    expect(await session(tls)).toMatchObject({ ssl: true, zone: 'UTC' });
    // Migrations go through the same fields.
    await applyMigrations(tls);
  });

  it("keeps the URL's own session options beside its UTC time zone", async () => {
    const url = `${db.url}?sslmode=no-verify&application_name=bolsa-ops&options=${encodeURIComponent('-c statement_timeout=5s')}`;
    expect(await session(url)).toEqual({ ssl: true, zone: 'UTC', timeout: '5s', app: 'bolsa-ops' });
  });

  it('refuses a URL that is not PostgreSQL', () => {
    expect(() => connectionFields('mysql://user@host/db')).toThrow(
      'DATABASE_URL must be a postgresql:// URL, not mysql:',
    );
  });
});
