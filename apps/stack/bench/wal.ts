import pg from 'pg';

/**
 * Where PostgreSQL's write-ahead log has got to, in bytes. What a phase wrote, divided by its orders, measures the
 * database's write work per order the same way on a fast or a slow virtual machine, which throughput does not.
 * Null when the database cannot be asked (no URL, or it refused).
 */
export async function walPosition(databaseUrl: string | undefined): Promise<bigint | null> {
  if (databaseUrl === undefined) return null;
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ bytes: string }>(
      "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS bytes",
    );
    return rows[0] === undefined ? null : BigInt(rows[0].bytes);
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}
