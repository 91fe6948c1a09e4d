// How many small write transactions concurrent connections commit a second when each one NOTIFYs, when none does,
// and when each announces after its commit through ChangeNotifier (what placements do): the cost of PostgreSQL's
// one-at-a-time commits of notifying transactions. Figures only; nothing is asserted.
//   pnpm --filter @bolsa/api build && pnpm --filter @bolsa/api bench
import { startPostgres } from '@bolsa/embedded-db';
import pg from 'pg';
import { ChangeNotifier } from '../src/database/change-notifier.js';
import { connectionFields } from '../src/database/pg-connection.js';
import { loadConfig } from '../src/config.js';
import { ApiLogger } from '../src/observability/logger.js';
import { ApiMetrics } from '../src/observability/metrics.js';

const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 8);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const ROUNDS = 2;
type Mode = 'notify in the transaction' | 'no notification' | 'announced after commit';

const db = await startPostgres();
try {
  const fields = connectionFields(db.url);
  const setup = new pg.Client(fields);
  await setup.connect();
  await setup.query('CREATE TABLE bench_writes (id bigserial PRIMARY KEY, account text NOT NULL)');
  await setup.end();
  const notifier = new ChangeNotifier(
    loadConfig({ DATABASE_URL: db.url, KAFKA_BROKERS: '127.0.0.1:1' }),
    new ApiLogger('silent'),
    new ApiMetrics(),
  );
  console.log(
    `notify bench: node ${process.version}, ${CONNECTIONS} connections, ${SECONDS} s a run, embedded PostgreSQL`,
  );
  const modes: Mode[] = ['notify in the transaction', 'no notification', 'announced after commit'];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of modes) console.log(`round ${round}: ${mode}: ${await run(fields, mode, notifier)}`);
  }
  await notifier.onModuleDestroy();
} finally {
  await db.stop();
}

async function run(fields: pg.ClientConfig, mode: Mode, notifier: ChangeNotifier): Promise<string> {
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = new pg.Client(fields);
      await client.connect();
      return client;
    }),
  );
  const latencies: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    clients.map(async (client, index) => {
      const account = `account-${index}`;
      while (performance.now() < end) {
        const started = performance.now();
        await client.query('BEGIN');
        await client.query('INSERT INTO bench_writes (account) VALUES ($1)', [account]);
        if (mode === 'notify in the transaction')
          await client.query(`SELECT pg_notify('bench_wallets', $1)`, [account]);
        await client.query('COMMIT');
        if (mode === 'announced after commit') notifier.walletsChanged([account]);
        latencies.push(performance.now() - started);
      }
    }),
  );
  await notifier.flushed();
  await Promise.all(clients.map((client) => client.end()));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]!.toFixed(2);
  return `${Math.round(latencies.length / SECONDS)} commits/s, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`;
}
