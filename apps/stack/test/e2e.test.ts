import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiErrorBody, OrderView, readEvents, TradeView, type SseEvent } from '@bolsa/contracts';
import pg from 'pg';
import { MarketSimulator } from '@bolsa/simulator';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import { sampleDelta } from '../bench/metrics.js';
import { Exchange } from './exchange.js';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

const ADMIN = { email: 'ops@example.test', password: 'e2e admin password' };
let stack: LaunchedStack;
let api: string;
let databaseUrl: string;
let enginePid = 0;
let exchange: Exchange;

beforeAll(async () => {
  stack = await launchStack({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  ({ api, databaseUrl, enginePid } = stack);
  exchange = new Exchange(stack);
}, 120_000);

afterAll(async () => {
  await stack.stop();
});

const call: Exchange['call'] = (method, path, options) => exchange.call(method, path, options);
const trader = (name: string) => exchange.trader(name);

async function place(
  token: string,
  body: Record<string, string>,
  headers?: Record<string, string>,
): Promise<OrderView> {
  const response = await call('POST', '/api/orders', { token, body, ...(headers ? { headers } : {}) });
  expect(response.status).toBe(202);
  return OrderView.parse(response.body);
}

const until = <T>(check: () => Promise<T | undefined>, timeoutMs?: number) => exchange.until(check, timeoutMs);

async function orderWhen(token: string, orderId: string, status: string, timeoutMs?: number): Promise<OrderView> {
  return until(async () => {
    const order = OrderView.parse((await call('GET', `/api/orders/${orderId}`, { token })).body);
    return order.status === status ? order : undefined;
  }, timeoutMs);
}

/** Opens an SSE stream and collects events until `done`. */
/** `opened` resolves once the API has answered, which it does after subscribing to the stream's live events. */
function stream(path: string, done: (events: SseEvent[]) => boolean, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const events: SseEvent[] = [];
  let answered = () => undefined as void;
  const opened = new Promise<void>((resolve) => (answered = resolve));
  const finished = (async () => {
    const response = await fetch(`${api}${path}`, { headers, signal: abort.signal });
    answered();
    try {
      await readEvents(response.body! as AsyncIterable<Uint8Array>, (event) => {
        events.push(event);
        return done(events);
      });
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      abort.abort();
    }
    return events;
  })();
  return {
    finished,
    opened: Promise.race([
      opened,
      finished.then(
        () => undefined,
        () => undefined,
      ),
    ]),
    stop: () => abort.abort(),
  };
}

describe('the whole exchange, over HTTP and SSE', () => {
  it('matches crossing orders and shows the trade on every stream, in the trades list and in the database', async () => {
    const seller = await trader('seller');
    const buyer = await trader('buyer');
    const market = stream('/api/stream/markets/PETR4', (events) => events.some((event) => event.event === 'trade'));
    const sellerOrders = stream('/api/stream/orders', (events) => events.some((event) => event.event === 'fill'), {
      authorization: `Bearer ${seller}`,
    });
    const buyerOrders = stream('/api/stream/orders', (events) => events.some((event) => event.event === 'fill'), {
      authorization: `Bearer ${buyer}`,
    });
    await Promise.all([market.opened, sellerOrders.opened, buyerOrders.opened]);
    const sell = await place(seller, { symbol: 'PETR4', side: 'sell', type: 'limit', price: '35.00', quantity: '100' });
    const buy = await place(buyer, { symbol: 'PETR4', side: 'buy', type: 'limit', price: '35.10', quantity: '30' });
    const [marketEvents, sellerEvents, buyerEvents] = await Promise.all([
      market.finished,
      sellerOrders.finished,
      buyerOrders.finished,
    ]);
    const trade = TradeView.parse(marketEvents.find((event) => event.event === 'trade')!.data);
    expect(trade).toMatchObject({ price: '35.00', quantity: '30', aggressorSide: 'buy' });
    expect(sellerEvents.find((event) => event.event === 'fill')?.data).toMatchObject({
      orderId: sell.orderId,
      role: 'maker',
    });
    expect(buyerEvents.find((event) => event.event === 'fill')?.data).toMatchObject({
      orderId: buy.orderId,
      role: 'taker',
    });

    expect(await orderWhen(seller, sell.orderId, 'partially_filled')).toMatchObject({ filledQuantity: '30' });
    expect(await orderWhen(buyer, buy.orderId, 'filled')).toMatchObject({ filledQuantity: '30' });
    const listed = TradeView.array().parse((await call('GET', '/api/markets/PETR4/trades')).body);
    expect(listed.find((t) => t.tradeId === trade.tradeId)).toEqual(trade);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const rows = await db.query('select price, quantity, maker_order_id, taker_order_id from trades where id = $1', [
      trade.tradeId,
    ]);
    await db.end();
    expect(rows.rows).toEqual([
      { price: '3500', quantity: '30', maker_order_id: sell.orderId, taker_order_id: buy.orderId },
    ]);

    // What is left of the sell order can be amended down and then cancelled.
    expect(
      (await call('PATCH', `/api/orders/${sell.orderId}`, { token: seller, body: { quantity: '50' } })).status,
    ).toBe(202);
    await until(async () => {
      const order = OrderView.parse((await call('GET', `/api/orders/${sell.orderId}`, { token: seller })).body);
      return order.quantity === '50' ? order : undefined;
    });
    expect((await call('DELETE', `/api/orders/${sell.orderId}`, { token: seller })).status).toBe(202);
    expect(await orderWhen(seller, sell.orderId, 'cancelled')).toMatchObject({ filledQuantity: '30', quantity: '50' });
    const late = await call('DELETE', `/api/orders/${sell.orderId}`, { token: seller });
    expect([late.status, ApiErrorBody.parse(late.body).code]).toEqual([409, 'order_not_open']);
  });

  it('keeps idempotent resubmits to one order, hides other accounts’ orders, and names bad input', async () => {
    const alice = await trader('alice');
    const bob = await trader('bob');
    const key = { 'idempotency-key': 'e2e-1' };
    const body = { symbol: 'VALE3', side: 'buy', type: 'limit', price: '50.00', quantity: '10' };
    const first = await place(alice, body, key);
    const again = await place(alice, body, key);
    expect(again.orderId).toBe(first.orderId);
    expect(
      (await call('POST', '/api/orders', { token: alice, body: { ...body, quantity: '11' }, headers: key })).status,
    ).toBe(409);
    expect((await call('GET', `/api/orders/${first.orderId}`, { token: bob })).status).toBe(404);
    expect((await call('DELETE', `/api/orders/${first.orderId}`, { token: bob })).status).toBe(404);

    const cases: [string, { token?: string; body?: unknown; raw?: string }, number, string][] = [
      ['malformed JSON', { token: alice, raw: '{"symbol"' }, 400, 'malformed_json'],
      ['unknown symbol', { token: alice, body: { ...body, symbol: 'XPTO3' } }, 404, 'unknown_symbol'],
      ['a price off the tick', { token: alice, body: { ...body, price: '50.005' } }, 400, 'validation_failed'],
      ['no API key', { body }, 401, 'unauthorized'],
      ['an invalid API key', { token: 'not-a-key', body }, 401, 'unauthorized'],
    ];
    for (const [name, options, status, code] of cases) {
      const response = await call('POST', '/api/orders', options);
      expect([name, response.status, ApiErrorBody.parse(response.body).code]).toEqual([name, status, code]);
    }
  });

  it('resumes a market stream from Last-Event-ID with nothing missing', async () => {
    const maker = await trader('maker');
    const taker = await trader('taker');
    for (let i = 0; i < 3; i++)
      await place(maker, { symbol: 'ITUB4', side: 'sell', type: 'limit', price: `30.0${i}`, quantity: '1' });
    await place(taker, { symbol: 'ITUB4', side: 'buy', type: 'market', quantity: '3' });
    const everything = await stream(
      '/api/stream/markets/ITUB4',
      (events) => events.filter((e) => e.event === 'trade').length >= 3,
      {
        'last-event-id': '0',
      },
    ).finished;
    const ids = everything.filter((event) => event.id !== undefined).map((event) => event.id!);
    const resumed = await stream(
      '/api/stream/markets/ITUB4',
      (events) => events.filter((e) => e.id !== undefined).length >= ids.length - 2,
      {
        'last-event-id': ids[1]!,
      },
    ).finished;
    expect(resumed.filter((event) => event.id !== undefined).map((event) => event.id)).toEqual(ids.slice(2));
  });
});

describe('a crashing engine', () => {
  it('loses nothing and duplicates nothing when killed with SIGKILL mid-stream', async () => {
    const traders = await Promise.all(['a', 'b', 'c'].map(trader));
    const placed: string[] = [];
    let amended = 0;
    const flow = (async () => {
      for (let i = 0; i < 300; i++) {
        const side = i % 2 === 0 ? 'buy' : 'sell';
        const price = (34 + ((i * 7) % 20) / 10).toFixed(2);
        const order = await place(traders[i % 3]!, {
          symbol: 'BBDC4',
          side,
          type: 'limit',
          price,
          quantity: String(1 + (i % 9)),
        });
        placed.push(order.orderId);
        if (i % 10 === 9) {
          // An amend of the order placed three steps before: the engine must answer it once, crash or not.
          const target = { token: traders[(i - 3) % 3]!, body: { quantity: '12' } };
          const answer = await call('PATCH', `/api/orders/${placed[i - 3]!}`, target);
          expect([202, 409]).toContain(answer.status);
          if (answer.status === 202) amended++;
        }
      }
    })();
    await until(async () => (placed.length >= 60 ? true : undefined));
    process.kill(enginePid, 'SIGKILL');
    await flow;
    // The launcher restarts the engine; every order must come to rest in a decided state.
    expect((await exchange.settledStatuses(placed)).size).toBe(300);
    expect(amended).toBeGreaterThan(10);
    await exchange.expectHoldsSettled(placed);
    await exchange.expectTradesAsReplayed('BBDC4', 300 + amended);
  });
});

describe('accounts and money on the running stack', () => {
  it('lets a browser sign up and trade with cookie + CSRF, settles both wallets, and shows the seeded admin the trade', async () => {
    const signup = await fetch(`${api}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Bia',
        email: `bia-${randomUUID().slice(0, 8)}@example.test`,
        password: 'browser pass 1',
      }),
    });
    expect(signup.status).toBe(201);
    const { csrfToken } = (await signup.json()) as { csrfToken: string };
    const cookie = signup.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const seller = await trader('cookie-seller');
    await place(seller, { symbol: 'ABEV3', side: 'sell', type: 'limit', price: '13.00', quantity: '10' });
    const withoutCsrf = await fetch(`${api}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ symbol: 'ABEV3', side: 'buy', type: 'limit', price: '13.00', quantity: '10' }),
    });
    expect(withoutCsrf.status).toBe(403);
    const buy = await fetch(`${api}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ symbol: 'ABEV3', side: 'buy', type: 'limit', price: '13.00', quantity: '10' }),
    });
    expect(buy.status).toBe(202);
    const wallet = await until(async () => {
      const view = (await (await fetch(`${api}/api/me/wallet`, { headers: { cookie } })).json()) as {
        cash: { available: string; held: string };
        positions: Array<{ symbol: string; available: string }>;
      };
      return view.positions.find((p) => p.symbol === 'ABEV3')?.available === '1010' && view.cash.held === '0.00'
        ? view
        : undefined;
    });
    // 10 × 13.00 = 130.00 plus the taker fee (3 bps: 0.039, rounded down to 0.03)
    expect(wallet.cash.available).toBe('99869.97');

    const login = await fetch(`${api}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    const adminCookie = login.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const summary = (await (await fetch(`${api}/api/admin/summary`, { headers: { cookie: adminCookie } })).json()) as {
      instruments: Array<{ symbol: string; trades: number }>;
      cash: { feesCollected: string };
    };
    expect(summary.instruments.find((i) => i.symbol === 'ABEV3')?.trades).toBeGreaterThanOrEqual(1);
    expect(summary.cash.feesCollected).not.toBe('0.00');
    const forbidden = await fetch(`${api}/api/admin/summary`, { headers: { cookie } });
    expect(forbidden.status).toBe(403);
  });

  it('makes another admin with the admin CLI, refuses it bad arguments, and reconciles the books with it', async () => {
    const cli = fileURLToPath(new URL('../../api/dist/src/admin-cli.js', import.meta.url));
    const run = (args: string[]) =>
      spawnSync(process.execPath, [cli, ...args], {
        env: { ...process.env, DATABASE_URL: databaseUrl, PASSWORD_HASH_COST: '12' },
        encoding: 'utf8',
      });
    const email = `cli-${randomUUID().slice(0, 8)}@example.test`;
    const made = run(['create-admin', '--email', email, '--name', 'Cli Admin', '--password', 'cli admin pass']);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain(email);
    const refused = run(['create-admin', '--email', 'not-an-email', '--password', 'short']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/email/);
    const login = await call('POST', '/api/auth/login', { body: { email, password: 'cli admin pass' } });
    expect(login.status).toBe(200);
    expect((login.body as { account: { role: string } }).account.role).toBe('admin');

    // After everything above, the engine's SIGKILL included: every check holds, and the command says so.
    const reconciled = run(['reconcile']);
    expect(reconciled.stdout).toMatch(/^ok {3}assets_conserved: /m);
    expect(reconciled.stdout).not.toMatch(/^FAIL/m);
    expect(reconciled.stdout).toMatch(/^the books reconcile \(\d+ ms\)$/m);
    expect(reconciled.status, reconciled.stderr).toBe(0);
  });
});

describe('the market simulator', () => {
  it(
    'trades through the public API with bot accounts, moves quotes to the price, sits a suspended bot out, and reuses them after a restart',
    { timeout: 60_000 },
    async () => {
      const botsDir = mkdtempSync(join(tmpdir(), 'bolsa-sim-'));
      onTestFinished(() => rmSync(botsDir, { recursive: true, force: true }));
      const botsFile = join(botsDir, 'bots.json');
      const before = await call('GET', '/api/admin/summary', { token: await adminKey() });
      const tradesBefore = (before.body as { instruments: Array<{ trades: number }> }).instruments.reduce(
        (sum, i) => sum + i.trades,
        0,
      );
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      onTestFinished(() => db.end());
      const amends = async () =>
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM engine_events
              WHERE type = 'order_updated' AND payload->>'change' = 'amended'`,
          )
        ).rows[0]!.n;
      const amendsBefore = await amends();
      // Quotes are moved to the price after 300 ms here (20 s when it runs for the screens).
      const simulator = new MarketSimulator(api, botsFile, 40, {
        repriceAfterMs: 300,
        cancelAfterMs: 60_000,
        suspendedPauseMs: 500,
      });
      await simulator.start();
      await until(async () => {
        const summary = await call('GET', '/api/admin/summary', { token: await adminKey() });
        const trades = (summary.body as { instruments: Array<{ trades: number }> }).instruments.reduce(
          (sum, i) => sum + i.trades,
          0,
        );
        return trades > tradesBefore + 3 ? true : undefined;
      });
      await until(async () => ((await amends()) > amendsBefore ? true : undefined));
      // An admin suspends a bot: refused, it sits out (the exchange cancelled its quotes), and trades again once the
      // suspension is lifted.
      const [first] = JSON.parse(readFileSync(botsFile, 'utf8')) as Array<{ name: string; apiKey: string }>;
      const botId = ((await call('GET', '/api/accounts/me', { token: first!.apiKey })).body as { accountId: string })
        .accountId;
      const suspension = `/api/admin/accounts/${botId}/suspension`;
      expect((await call('POST', suspension, { token: await adminKey(), body: { reason: 'bot test' } })).status).toBe(
        200,
      );
      await until(async () => (simulator.suspendedBots.includes(first!.name) ? true : undefined));
      expect((await call('DELETE', suspension, { token: await adminKey() })).status).toBe(200);
      await until(async () => {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM orders
            WHERE account_id = $1
              AND created_at > (SELECT lifted_at FROM account_suspensions WHERE account_id = $1 ORDER BY id DESC LIMIT 1)`,
          [botId],
        );
        return rows[0]!.n > 0 ? true : undefined;
      });
      await simulator.stop();
      // The summary's order counts, kept by the ingestion as statuses move, agree with the orders themselves.
      await until(async () => {
        const { rows } = await db.query<{ status: string; count: number }>(
          'SELECT status, count(*)::int AS count FROM orders GROUP BY status',
        );
        const summary = await call('GET', '/api/admin/summary', { token: await adminKey() });
        const counted = (summary.body as { orders: Record<string, number> }).orders;
        const stored = Object.fromEntries(rows.map((row) => [row.status, row.count]));
        return JSON.stringify(sortedEntries(counted)) === JSON.stringify(sortedEntries(stored)) ? true : undefined;
      });
      const bots = JSON.parse(readFileSync(botsFile, 'utf8')) as Array<{ apiKey: string }>;
      expect(bots).toHaveLength(4);
      const again = new MarketSimulator(api, botsFile, 40);
      await again.start();
      await again.stop();
      expect(JSON.parse(readFileSync(botsFile, 'utf8'))).toEqual(bots);
    },
  );

  it("follows its bots' orders, so it does not amend or cancel quotes that have already traded away", async () => {
    const botsDir = mkdtempSync(join(tmpdir(), 'bolsa-sim-'));
    onTestFinished(() => rmSync(botsDir, { recursive: true, force: true }));
    const metrics = async () => (await fetch(`${api}/metrics`)).text();
    const requests = 'api_http_request_duration_seconds_count';
    const amendsAndCancels = /method="(PATCH|DELETE)",route="\/api\/orders\/:id"/;
    const refused = /method="(PATCH|DELETE)",route="\/api\/orders\/:id",status="409"/;
    const before = await metrics();
    // A third of the bots' orders cross and trade at once, and others trade with them while they rest: until the
    // bots followed their orders, each of those was amended (1.5 s after it was sent here) and refused with 409.
    const simulator = new MarketSimulator(api, join(botsDir, 'bots.json'), 40, {
      repriceAfterMs: 1_500,
      cancelAfterMs: 3_000,
    });
    await simulator.start();
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    await simulator.stop();
    const after = await metrics();
    const sent = sampleDelta(before, after, requests, amendsAndCancels);
    expect(sent).toBeGreaterThan(20);
    // One can still be refused: a quote that trades while its amend is on the way.
    expect(sampleDelta(before, after, requests, refused) / sent).toBeLessThan(0.1);
  });
});

describe('a crashing API', () => {
  it('stores engine events again soon after being killed with SIGKILL, not once its dead consumer times out', async () => {
    const buyer = await trader('api-crash-buyer');
    const pid = exchange.currentPid('api')!;
    process.kill(pid, 'SIGKILL');
    await until(async () => (exchange.currentPid('api') !== pid ? true : undefined));
    await until(async () => ((await fetch(`${api}/health`).catch(() => null))?.ok === true ? true : undefined));
    // The dead process never left the events' consumer group, whose partitions stay its own until its session ends:
    // with kafkajs's default session of 30 s this order stayed pending for about 25 s more, with 10 s about 5.
    const bid = await place(buyer, { symbol: 'VALE3', side: 'buy', type: 'limit', price: '50.00', quantity: '1' });
    expect((await orderWhen(buyer, bid.orderId, 'open', 18_000)).filledQuantity).toBe('0');
  });
});

const sortedEntries = (record: Record<string, number>) => Object.entries(record).sort(([a], [b]) => a.localeCompare(b));

let cachedAdminKey: string | undefined;

async function adminKey(): Promise<string> {
  return (cachedAdminKey ??= await exchange.adminKey(ADMIN));
}
