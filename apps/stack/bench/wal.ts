import pg from 'pg';

/**
 * Runs `ask` on a connection of its own to the database the bench measures; null when the database cannot be asked
 * (no URL, or it refused): the bench then leaves out what it would have said.
 */
export async function askDatabase<T>(
  databaseUrl: string | undefined,
  ask: (client: pg.Client) => Promise<T>,
): Promise<T | null> {
  if (databaseUrl === undefined) return null;
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    return await ask(client);
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Where PostgreSQL's write-ahead log has got to, in bytes. What a phase wrote, divided by its orders, measures the
 * database's write work per order the same way on a fast or a slow virtual machine, which throughput does not.
 * Null when the database cannot be asked (no URL, or it refused).
 */
export function walPosition(databaseUrl: string | undefined): Promise<bigint | null> {
  return askDatabase(databaseUrl, async (client) => {
    const { rows } = await client.query<{ bytes: string }>(
      "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS bytes",
    );
    return rows[0] === undefined ? null : BigInt(rows[0].bytes);
  });
}
