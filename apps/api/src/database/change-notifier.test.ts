import { randomUUID } from 'node:crypto';
import { startPostgres, type RunningPostgres } from '@bolsa/embedded-db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { ANNOUNCE_GAP_MS, ChangeNotifier } from './change-notifier.js';
import { applyMigrations } from './migrate.js';
import { CHANNELS } from './pg-notifications.js';
import { connectionFields } from './pg-connection.js';

let db: RunningPostgres;
let listener: pg.Client;
const heard: { channel: string; payload: string }[] = [];

beforeAll(async () => {
  db = await startPostgres();
  await applyMigrations(db.url);
  listener = new pg.Client(connectionFields(db.url));
  listener.on('notification', (message) => heard.push({ channel: message.channel, payload: message.payload ?? '' }));
  await listener.connect();
  await listener.query(`LISTEN ${CHANNELS.wallets}`);
  await listener.query(`LISTEN ${CHANNELS.events}`);
});

afterAll(async () => {
  await listener?.end();
  await db?.stop();
});

function notifier(metrics = new ApiMetrics()): ChangeNotifier {
  const config = loadConfig({ DATABASE_URL: db.url, KAFKA_BROKERS: '127.0.0.1:1' });
  return new ChangeNotifier(config, new ApiLogger('silent'), metrics);
}

/** Until `done` says so, or 10 s have passed: what is asserted next says what was missing. */
async function waitFor(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await done()) && waited < 10_000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the listener hears until `done` says it has all it waits for. */
async function hear(done: (messages: typeof heard) => boolean): Promise<typeof heard> {
  await waitFor(() => done(heard));
  return heard.splice(0);
}

describe('ChangeNotifier', () => {
  it('announces changed wallets on their channel, 100 accounts a payload', async () => {
    const changes = notifier();
    try {
      const accounts = Array.from({ length: 250 }, () => randomUUID());
      changes.walletsChanged(accounts);
      await changes.flushed();
      const messages = await hear((m) => m.filter((x) => x.channel === CHANNELS.wallets).length >= 3);
      const wallets = messages.filter((message) => message.channel === CHANNELS.wallets);
      expect(wallets.map((message) => message.payload.split(',').length)).toEqual([100, 100, 50]);
      expect(wallets.flatMap((message) => message.payload.split(',')).sort()).toEqual([...accounts].sort());
      expect(messages).toHaveLength(3);
    } finally {
      await changes.onModuleDestroy();
    }
  });

  it('sends one statement at a time: what is announced meanwhile goes out together, each account once', async () => {
    const metrics = new ApiMetrics();
    const changes = notifier(metrics);
    try {
      const [first, ...rest] = Array.from({ length: 40 }, () => randomUUID());
      changes.walletsChanged([first!]);
      for (const accountId of rest) changes.walletsChanged([accountId, first!]);
      await changes.flushed();
      const messages = await hear((m) => m.length >= 2);
      expect(messages.map((message) => message.payload.split(',').sort())).toEqual([[first], [...rest, first!].sort()]);
      const counted = await metrics.walletAnnouncements.get();
      expect(counted.values.map(({ labels, value }) => [labels.outcome, value])).toEqual([['sent', 2]]);
    } finally {
      await changes.onModuleDestroy();
    }
  });

  it(`waits ${ANNOUNCE_GAP_MS} ms after an announcement started before the next, gathering what comes meanwhile`, async () => {
    const metrics = new ApiMetrics();
    const changes = notifier(metrics);
    try {
      const accounts: string[] = [];
      const started = performance.now();
      // A writer announcing every millisecond or so for 200 ms, as placements under load do.
      while (performance.now() - started < 200) {
        const accountId = randomUUID();
        accounts.push(accountId);
        changes.walletsChanged([accountId]);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const elapsed = performance.now() - started;
      await changes.flushed();
      const counted = await metrics.walletAnnouncements.get();
      const sent = counted.values.find(({ labels }) => labels.outcome === 'sent')?.value ?? 0;
      // One at the start, then one per gap at most (the last may start after the loop).
      expect(sent).toBeLessThanOrEqual(Math.floor(elapsed / ANNOUNCE_GAP_MS) + 2);
      const messages = await hear((m) => m.flatMap((x) => x.payload.split(',')).length >= accounts.length);
      expect(messages.flatMap((message) => message.payload.split(',')).sort()).toEqual([...accounts].sort());
      expect(messages).toHaveLength(sent);
    } finally {
      await changes.onModuleDestroy();
    }
  });

  it('is the only announcer: a ledger entry written in a transaction notifies nobody when it commits', async () => {
    const changes = notifier();
    const writer = new pg.Client(connectionFields(db.url));
    await writer.connect();
    try {
      const { rows } = await writer.query<{ id: string }>(
        `INSERT INTO accounts (id, name) VALUES (gen_random_uuid(), 'ledger writer') RETURNING id`,
      );
      const accountId = rows[0]!.id;
      await writer.query('BEGIN');
      await writer.query(`INSERT INTO balances (account_id, asset, available) VALUES ($1, 'BRL', 100)`, [accountId]);
      await writer.query(
        `INSERT INTO ledger_entries (account_id, asset, reason, available_change, held_change, available_after,
                                     held_after, trace_id)
         VALUES ($1, 'BRL', 'deposit', 100, 0, 100, 0, 'test')`,
        [accountId],
      );
      await writer.query('COMMIT');
      // Notifications arrive in commit order: one from the ledger's commit would come before this one.
      const marker = randomUUID();
      changes.walletsChanged([marker]);
      await changes.flushed();
      expect(await hear((m) => m.length >= 1)).toEqual([{ channel: CHANNELS.wallets, payload: marker }]);
    } finally {
      await writer.end();
      await changes.onModuleDestroy();
    }
  });

  it('announces again once the database lets it in, counting the failures; gives up when stopped', async () => {
    // A role that may not connect yet: the listener (a superuser) listens before the announcer is let in.
    const admin = new pg.Client(connectionFields(db.url));
    await admin.connect();
    const later = new pg.Client({ ...connectionFields(db.url), database: 'announced_later' });
    const metrics = new ApiMetrics();
    let changes: ChangeNotifier | null = null;
    try {
      await admin.query('CREATE DATABASE announced_later');
      await admin.query(`CREATE ROLE announcer LOGIN PASSWORD 'announcer'`);
      await admin.query('REVOKE CONNECT ON DATABASE announced_later FROM PUBLIC');
      const url = new URL(db.url);
      url.username = 'announcer';
      url.password = 'announcer';
      url.pathname = '/announced_later';
      changes = new ChangeNotifier(
        loadConfig({ DATABASE_URL: url.toString(), KAFKA_BROKERS: '127.0.0.1:1' }),
        new ApiLogger('silent'),
        metrics,
      );
      const failures = async () =>
        (await metrics.walletAnnouncements.get()).values.find(({ labels }) => labels.outcome === 'failed')?.value ?? 0;
      const accountId = randomUUID();
      changes.walletsChanged([accountId]);
      await waitFor(async () => (await failures()) > 0);
      expect(await failures()).toBeGreaterThan(0);
      const heardLater: string[] = [];
      later.on('notification', (message) => heardLater.push(message.payload ?? ''));
      await later.connect();
      await later.query(`LISTEN ${CHANNELS.wallets}`);
      await admin.query('GRANT CONNECT ON DATABASE announced_later TO announcer');
      await waitFor(() => heardLater.length > 0);
      expect(heardLater).toEqual([accountId]);

      await admin.query('REVOKE CONNECT ON DATABASE announced_later FROM announcer');
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'announcer'`);
      changes.walletsChanged([randomUUID()]);
      await changes.onModuleDestroy();
      changes = null;
      expect(heardLater).toEqual([accountId]);
    } finally {
      await changes?.onModuleDestroy();
      await later.end().catch(() => undefined);
      await admin.end();
    }
  });
});
