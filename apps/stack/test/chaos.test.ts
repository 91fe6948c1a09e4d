import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrderView, readEvents } from '@bolsa/contracts';
import { freePort } from '@bolsa/embedded-db';
import { startBroker, type RunningBroker } from '@bolsa/kafka-broker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import { Exchange } from './exchange.js';

/**
 * Traders place, amend and cancel on three instruments while the engine, the API (or, in the stack's other shape,
 * the API storing events and the API serving clients) and one of PostgreSQL's sessions are each killed with SIGKILL,
 * and the Kafka broker is restarted, in turn, twice over: the launcher restarts the apps, PostgreSQL recovers by itself. Clients do what a careful program does: an order's POST unanswered is sent
 * again under its Idempotency-Key, a cancel until it is answered; an amend is not (told 503 or cut off, a trader
 * decides again); each trader follows their order stream, and three market streams are followed, resuming from the
 * last event id when they break. Afterwards every check of "nothing accepted is lost or applied twice" must hold.
 */

const SYMBOLS = [
  { symbol: 'PETR4', cents: 3800 },
  { symbol: 'ITUB4', cents: 3300 },
  { symbol: 'ABEV3', cents: 1300 },
];
/**
 * The launcher restarts the apps; PostgreSQL restarts every session itself after one of them dies (crash recovery);
 * the Kafka broker, the stack's as a separate server would be, is restarted by the test on the same port and data.
 */
/**
 * The launcher's two shapes: one API process storing the engine events and serving clients, or ingestion in an API
 * process of its own (`ingest`), which then goes down in its turn too.
 */
const SHAPES = [
  { shape: 'with one API process', apart: false },
  { shape: 'with ingestion in an API process of its own', apart: true },
];
const victimsOf = (apart: boolean) => ['engine', ...(apart ? ['ingest'] : []), 'api', 'postgres', 'kafka'];
const ROUNDS = 2;
const ADMIN = { email: 'chaos-admin@example.test', password: 'chaos admin password' };
/**
 * What the administrator does meanwhile, in turn: to PETR4's trading, to the last trader's account, and closing the
 * day (every DAY order recorded until then expires; trading goes on).
 */
const ADMIN_ACTIONS = ['halt', 'suspend', 'end_of_day', 'resume', 'reinstate'] as const;
type AdminAction = (typeof ADMIN_ACTIONS)[number];
const HALTED = 'PETR4';
const WORKERS = 4;

let stack: LaunchedStack;
let exchange: Exchange;
let broker: RunningBroker;
let brokerData: string;
// Synced as the launcher's own broker is by default, so a stop lands in the middle of syncs in flight too.
const startKafka = async (port: number) => startBroker({ port, dataDir: brokerData, partitions: 3, fsync: 'always' });

/** The broker goes away (every connection dropped, nothing served) for a few seconds, then comes back as it was. */
async function restartKafka(): Promise<void> {
  await broker.stop();
  await pause(3000);
  broker = await startKafka(broker.port);
}

/** The pid the launcher last started `name` with (it prints `<name> started (pid N)` at each start). */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Follower {
  /** The ids of the events received, in order (a fill of the trader's own order on both sides comes twice). */
  readonly ids: number[];
  /** Settles once the first connection is open: from then on, nothing of the stream's may be missed. */
  readonly connected: Promise<void>;
  readonly reconnects: () => number;
  readonly resyncs: () => number;
  stop(): void;
}

/**
 * Follows a stream as a browser does: when it breaks, it reconnects with the last event's id. Its connection also
 * drops by itself every second or so (a phone between cells), while trading goes on.
 */
function follow(path: string, token: string | undefined, index: number): Follower {
  const ids: number[] = [];
  let lastEventId: string | undefined;
  let reconnects = 0;
  let resyncs = 0;
  let opened = () => {};
  const connected = new Promise<void>((resolve) => (opened = resolve));
  const stopped = new AbortController();
  void (async () => {
    for (let connection = 0; !stopped.signal.aborted; connection++) {
      // Not AbortSignal.any with AbortSignal.timeout: Node 20 can collect the timeout's signal, which then never fires.
      const dropped = new AbortController();
      const signal = dropped.signal;
      const drop = setTimeout(() => dropped.abort(), 700 + ((index * 7 + connection) % 5) * 150);
      const stop = () => dropped.abort();
      stopped.signal.addEventListener('abort', stop);
      try {
        const response = await fetch(`${stack.api}${path}`, {
          headers: {
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
            ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
          },
          signal,
        });
        if (response.ok && response.body !== null) {
          opened();
          await readEvents(
            response.body,
            (event) => {
              if (event.event === 'resync') resyncs++;
              if (event.id === undefined) return;
              lastEventId = event.id;
              if (event.event !== 'resync') ids.push(Number(event.id));
            },
            (id) => (lastEventId = id),
          );
        }
      } catch {
        // dropped, cut off with the API, or stopped
      } finally {
        clearTimeout(drop);
        stopped.signal.removeEventListener('abort', stop);
      }
      if (stopped.signal.aborted) return;
      reconnects++;
      await pause(200);
    }
  })();
  return { ids, connected, reconnects: () => reconnects, resyncs: () => resyncs, stop: () => stopped.abort() };
}

/** The follower received exactly `expected` (ids, in order), with no resync, once it has caught up. */
async function expectReceived(follower: Follower, expected: number[], what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (follower.ids.length < expected.length && Date.now() < deadline) await pause(100);
  await pause(300);
  const received = new Set(follower.ids);
  const wanted = new Set(expected);
  const missing = expected.filter((id) => !received.has(id));
  const extra = follower.ids.filter((id) => !wanted.has(id));
  expect({ what, missing, extra, resyncs: follower.resyncs() }).toEqual({ what, missing: [], extra: [], resyncs: 0 });
  expect(follower.ids).toEqual(expected);
}

/**
 * Kills one of the apps' PostgreSQL sessions with SIGKILL, as a backend crashing would: PostgreSQL then ends every
 * session and recovers from its write-ahead log before taking connections again. Returns once it does.
 */
async function killDatabaseSession(): Promise<void> {
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ pid: number }>(
    `select pid from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid() limit 1`,
  );
  await db.end();
  process.kill(rows[0]!.pid, 'SIGKILL');
  await exchange.until(async () => {
    const probe = new pg.Client({ connectionString: stack.databaseUrl });
    // A session PostgreSQL ends while it recovers is reported as an 'error' event too, which unheard would throw.
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.query('select 1');
      return true;
    } catch {
      return undefined;
    } finally {
      await probe.end().catch(() => undefined);
    }
  }, 30_000);
}

interface Placed {
  readonly orderId: string;
  readonly token: string;
  readonly symbol: string;
}

describe.each(SHAPES)('the exchange under crashes, $shape', ({ apart }) => {
  const victims = victimsOf(apart);
  beforeAll(async () => {
    brokerData = mkdtempSync(join(tmpdir(), 'bolsa-chaos-kafka-'));
    broker = await startKafka(await freePort());
    // Orders recorded but not sent when the serving API died are re-sent sooner than the default 10 s.
    const launched = await launchStack({
      KAFKA_BROKERS: broker.bootstrap,
      ORDER_RESEND_AFTER_MS: '2000',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...(apart ? { INGEST_PORT: String(await freePort()) } : {}),
    });
    stack = { ...launched, kafkaPort: broker.port };
    exchange = new Exchange(stack);
  }, 120_000);

  afterAll(async () => {
    await stack.stop();
    await broker.stop();
    rmSync(brokerData, { recursive: true, force: true });
  });

  it(
    'loses nothing and applies nothing twice while its engine, its API processes, a database session and the broker go down in turn mid-flow',
    { timeout: 240_000 },
    async () => {
      const traders = await Promise.all(['g', 'h', 'i', 'j', 'k', 'l'].map((name) => exchange.trader(name)));
      const followers = traders.map((token, index) => follow('/api/stream/orders', token, index));
      const markets = SYMBOLS.map(({ symbol }, index) =>
        follow(`/api/stream/markets/${symbol}`, undefined, traders.length + index),
      );
      onTestFinished(() => [...followers, ...markets].forEach((follower) => follower.stop()));
      // What the apps said is the first thing to read when this fails.
      onTestFailed(() => console.error(stack.output().slice(-30_000)));
      await Promise.all([...followers, ...markets].map((follower) => follower.connected));
      const run = randomUUID().slice(0, 8);
      const placed: Placed[] = [];
      const cancelled = new Set<string>();
      let amendsAnswered = 0;
      let retries = 0;
      let next = 0;
      let killing = true;

      /** Sends until answered below 500; a cut connection or a 5xx (the API away or restarting) is sent again. */
      const surely = async (method: string, path: string, token: string, body?: unknown, key?: string) => {
        const deadline = Date.now() + 60_000;
        for (;;) {
          try {
            const answer = await exchange.call(method, path, {
              token,
              ...(body === undefined ? {} : { body }),
              ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
            });
            if (answer.status < 500) return answer;
          } catch {
            // cut off: the request may or may not have been taken
          }
          retries++;
          if (Date.now() > deadline) throw new Error(`${method} ${path} not answered\n${stack.output().slice(-3000)}`);
          await pause(100);
        }
      };

      // The administrator halts and resumes PETR4, and suspends and reinstates the last trader, while all this goes on.
      const adminToken = await exchange.adminKey(ADMIN);
      const suspendedToken = traders.at(-1)!;
      const me = await exchange.call('GET', '/api/accounts/me', { token: suspendedToken });
      const suspendedId = (me.body as { accountId: string }).accountId;
      const state = { halted: false, suspended: false };
      const done: Record<AdminAction, number> = { halt: 0, resume: 0, suspend: 0, reinstate: 0, end_of_day: 0 };
      /** When the last close of the day was asked for: every DAY order recorded before then must have expired. */
      let lastCloseAskedAt = 0;
      let refused = 0;
      const act = async (action: AdminAction) => {
        if (action === 'end_of_day') {
          const askedAt = Date.now();
          const answer = await surely('POST', '/api/admin/end-of-day', adminToken);
          expect(answer.status, JSON.stringify(answer.body)).toBe(202);
          lastCloseAskedAt = askedAt;
          done.end_of_day++;
          return;
        }
        const path =
          action === 'halt' || action === 'resume'
            ? `/api/admin/markets/${HALTED}/${action}`
            : `/api/admin/accounts/${suspendedId}/suspension`;
        const method = action === 'reinstate' ? 'DELETE' : 'POST';
        const answer = await surely(
          method,
          path,
          adminToken,
          action === 'suspend' || action === 'halt' ? { reason: 'chaos' } : undefined,
        );
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        const changes =
          action === 'halt' || action === 'resume'
            ? state.halted !== (action === 'halt')
            : state.suspended !== (action === 'suspend');
        if (changes) done[action]++;
        if (action === 'halt' || action === 'resume') state.halted = action === 'halt';
        else state.suspended = action === 'suspend';
      };
      /** An answer the administrator's doing explains: PETR4 halted, or the last trader suspended. */
      const refusedByAdmin = (answer: { status: number; body: unknown }, symbol: string | null, token: string) => {
        const code = (answer.body as { code?: string } | null)?.code;
        const explained =
          (answer.status === 409 && code === 'trading_halted' && symbol === HALTED) ||
          (answer.status === 403 && code === 'account_suspended' && token === suspendedToken);
        if (explained) refused++;
        return explained;
      };

      const operate = async (step: number) => {
        const token = traders[step % traders.length]!;
        const own = placed.filter((order) => order.token === token && !cancelled.has(order.orderId));
        const choice = step % 7;
        if (choice === 5 && own.length > 0) {
          const target = own[(step * 13) % own.length]!;
          const answer = await surely('DELETE', `/api/orders/${target.orderId}`, token);
          if (refusedByAdmin(answer, null, token)) return;
          expect([202, 409], JSON.stringify(answer.body)).toContain(answer.status);
          if (answer.status === 202) cancelled.add(target.orderId);
          return;
        }
        if (choice === 6 && own.length > 0) {
          const target = own[(step * 7) % own.length]!;
          try {
            const answer = await exchange.call('PATCH', `/api/orders/${target.orderId}`, {
              token,
              body: { quantity: String(2 + (step % 11)) },
            });
            if (refusedByAdmin(answer, target.symbol, token)) return;
            expect([202, 409, 503], JSON.stringify(answer.body)).toContain(answer.status);
            if (answer.status === 202) amendsAnswered++;
          } catch {
            // cut off mid-amend: the re-sender withdraws it if it never reached the engine
          }
          return;
        }
        // Each trader buys and sells every instrument in turn (step modulo the traders picks the trader).
        const turn = Math.floor(step / traders.length);
        const { symbol, cents } = SYMBOLS[Math.floor(turn / 2) % SYMBOLS.length]!;
        const body = {
          symbol,
          side: turn % 2 === 0 ? 'buy' : 'sell',
          type: 'limit',
          price: ((cents + ((step * 7) % 21) - 10) / 100).toFixed(2),
          quantity: String(1 + (step % 9)),
          timeInForce: step % 4 === 0 ? 'DAY' : 'GTC',
        };
        const answer = await surely('POST', '/api/orders', token, body, `chaos-${run}-${step}`);
        if (refusedByAdmin(answer, symbol, token)) return;
        expect(answer.status, JSON.stringify(answer.body)).toBe(202);
        placed.push({ orderId: OrderView.parse(answer.body).orderId, token, symbol });
      };

      const flow = Promise.all([
        ...Array.from({ length: WORKERS }, async () => {
          while (killing) {
            await operate(next++);
            await pause(15);
          }
        }),
        (async () => {
          for (let turn = 0; killing; turn++) {
            await pause(900);
            await act(ADMIN_ACTIONS[turn % ADMIN_ACTIONS.length]!);
          }
          await act('resume');
          await act('reinstate');
        })(),
      ]);
      // A failed check ends the flow and the killing; it is reported when the flow is awaited below.
      flow.catch(() => (killing = false));
      const killed: string[] = [];
      try {
        for (let round = 0; round < ROUNDS && killing; round++) {
          for (const victim of victims) {
            if (!killing) break;
            await pause(1500);
            if (victim === 'postgres') await killDatabaseSession();
            else if (victim === 'kafka') await restartKafka();
            else {
              const pid = exchange.currentPid(victim)!;
              process.kill(pid, 'SIGKILL');
              // Back up (started again) before the next one goes.
              await exchange.until(async () => (exchange.currentPid(victim) !== pid ? true : undefined), 30_000);
            }
            killed.push(victim);
            await pause(1500);
          }
        }
      } finally {
        killing = false;
        await flow;
      }
      console.info(
        `chaos: ${placed.length} orders, ${cancelled.size} cancels and ${amendsAnswered} amends answered, ` +
          `${retries} sends again, ${refused} refused for the halt or the suspension, ` +
          `${JSON.stringify(done)} by the administrator, ` +
          `${[...followers, ...markets].reduce((sum, f) => sum + f.reconnects(), 0)} stream reconnects, ` +
          `through ${killed.join(', ')} going down`,
      );
      expect(killed).toHaveLength(victims.length * ROUNDS);
      // The launcher restarted the apps killed, and no other: none died of what the others' deaths did to it.
      const exits = [...stack.output().matchAll(/\] (\w+) exited \(([^)]*)\)/g)].map((m) => `${m[1]} (${m[2]})`);
      const apps = killed.filter((victim) => victim !== 'postgres' && victim !== 'kafka');
      expect(exits).toEqual(apps.map((victim) => `${victim} (SIGKILL)`));
      expect(retries).toBeGreaterThan(0);

      // One order per POST however often it was sent; each in a decided state, a cancel answered 202 applied.
      const db = await exchange.database();
      const keys = await db.query<{ orders: number; keys: number }>(
        `select count(*)::int as orders, count(distinct idempotency_key)::int as keys from orders where idempotency_key like $1`,
        [`chaos-${run}-%`],
      );
      expect(keys.rows[0]).toEqual({ orders: placed.length, keys: placed.length });
      const ids = placed.map((order) => order.orderId);
      const statuses = await exchange.settledStatuses(ids);
      expect(statuses.size).toBe(placed.length);
      // A cancel answered 202 is applied: its order ends once its events are stored, which may take ingestion a moment
      // after the last victim came back. Should one stay live, what the engine said about it is shown.
      const live = async () =>
        (
          await db.query<{ id: string }>(
            `select id from orders where id = any($1::uuid[]) and status in ('open', 'partially_filled')`,
            [[...cancelled]],
          )
        ).rows.map((row) => row.id);
      const stillLive = await exchange
        .until(async () => ((await live()).length === 0 ? [] : undefined), 60_000)
        .catch(async () => {
          const ids = await live();
          const { rows } = await db.query(
            `select order_id, type, payload->>'commandType' as command, payload->>'reason' as reason
               from engine_events where order_id = any($1::uuid[]) order by id`,
            [ids],
          );
          return [{ ids, events: rows }];
        });
      expect(stillLive).toEqual([]);
      await exchange.expectHoldsSettled(ids);
      for (const { symbol } of SYMBOLS) {
        const count = placed.filter((order) => order.symbol === symbol).length;
        await exchange.expectTradesAsReplayed(symbol, count);
      }

      // Each trader's order stream, resumed across the serving API's deaths, had every event of theirs once, in order.
      for (const [index, follower] of followers.entries()) {
        const account = await db.query<{ id: string }>(`select account_id as id from orders where id = $1`, [
          placed.find((order) => order.token === traders[index])!.orderId,
        ]);
        const { rows } = await db.query<{ id: string; copies: number }>(
          `select id, case when payload->>'makerAccountId' = $1 and payload->>'takerAccountId' = $1 then 2 else 1 end as copies
             from engine_events
            where (payload->>'accountId' = $1 or payload->>'makerAccountId' = $1 or payload->>'takerAccountId' = $1)
              and not (payload->>'type' = 'order_rejected' and payload->>'commandType' not in ('place_order', 'amend_order'))
            order by id`,
          [account.rows[0]!.id],
        );
        await expectReceived(
          follower,
          rows.flatMap((row) => Array<number>(row.copies).fill(Number(row.id))),
          `trader ${index}'s order stream`,
        );
      }
      // And each market stream every trade and book change of its instrument.
      for (const [index, { symbol }] of SYMBOLS.entries()) {
        const { rows } = await db.query<{ id: string }>(
          `select id from engine_events where symbol = $1 and type in ('trade', 'level_changed') order by id`,
          [symbol],
        );
        await expectReceived(
          markets[index]!,
          rows.map((row) => Number(row.id)),
          `the ${symbol} market stream`,
        );
      }
      expect(followers.reduce((sum, follower) => sum + follower.reconnects(), 0)).toBeGreaterThanOrEqual(
        traders.length * ROUNDS,
      );

      // The administrator's doing: each change recorded once, however often a request was sent; the engine's book
      // trades again (a POST on PETR4 is taken), and the trader too.
      const logged = await db.query<{ action: AdminAction; n: number }>(
        `select action, count(*)::int as n from admin_actions group by action`,
      );
      // A close sent again after its answer was lost is a second close: the log may have more than were answered.
      const { end_of_day: closes, ...changes } = Object.fromEntries(logged.rows.map((row) => [row.action, row.n]));
      const { end_of_day: answeredCloses, ...changesDone } = done;
      expect(changes).toEqual(changesDone);
      expect(closes).toBeGreaterThanOrEqual(answeredCloses);
      expect(done.halt).toBeGreaterThan(1);
      expect(answeredCloses).toBeGreaterThan(0);
      // Every DAY order recorded before the last close has ended; some recorded later may still rest.
      const dayOrders = await db.query<{ live: number; all: number }>(
        `select count(*) filter (where status in ('pending', 'open', 'partially_filled')
                                    and created_at < to_timestamp($2::float8 / 1000) at time zone 'UTC')::int as live,
                count(*)::int as all
           from orders where idempotency_key like $1 and time_in_force = 'DAY'`,
        [`chaos-${run}-%`, lastCloseAskedAt],
      );
      expect(dayOrders.rows[0]!.all).toBeGreaterThan(25);
      expect(dayOrders.rows[0]!.live).toBe(0);
      expect(refused).toBeGreaterThan(0);
      const after = await surely(
        'POST',
        '/api/orders',
        suspendedToken,
        { symbol: HALTED, side: 'buy', type: 'limit', price: '30.00', quantity: '1' },
        `chaos-${run}-after`,
      );
      expect(after.status, JSON.stringify(after.body)).toBe(202);
      const afterId = OrderView.parse(after.body).orderId;
      expect((await exchange.settledStatuses([afterId])).get(afterId)).toBe('open');

      // And the books as a whole: cash and shares conserved, every balance equal to its ledger, holds as orders need.
      const cli = fileURLToPath(new URL('../../api/dist/src/admin-cli.js', import.meta.url));
      const reconciled = spawnSync(process.execPath, [cli, 'reconcile'], {
        env: { ...process.env, DATABASE_URL: stack.databaseUrl },
        encoding: 'utf8',
      });
      expect(reconciled.stdout).not.toMatch(/^FAIL/m);
      expect(reconciled.status, reconciled.stdout + reconciled.stderr).toBe(0);
      // Enough of each to mean something, with room for a slow machine (runs on this machine have had 1,000 to 2,900 orders).
      expect(placed.length).toBeGreaterThan(150);
      expect(cancelled.size).toBeGreaterThan(10);
      expect(amendsAnswered).toBeGreaterThan(10);
    },
  );
});
