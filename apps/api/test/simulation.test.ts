import { randomUUID } from 'node:crypto';
import {
  ApiErrorBody,
  encodeCommand,
  formatCents,
  messageHeaders,
  OrderView,
  TOPICS,
  type OrderCommand,
} from '@bolsa/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile, RECONCILIATION_BEGIN, RECONCILIATION_CHECKS } from '../src/admin/reconciliation.js';
import { SqlPool } from '../src/database/sql-pool.js';
import { startInTestEngine } from './engine-in-test.js';
import { newTrader, startTestApi, type TestApi } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

/**
 * Many traders send thousands of random orders of every kind (with cancels, amends, deposits and withdrawals,
 * many at once) through the API, Kafka, the matching core and ingestion; then the money must add up exactly.
 */
/** Another seed can be tried with SIM_SEED=n. */
const SEED = Number(process.env['SIM_SEED'] ?? 20261121);
const TRADERS = 12;
const ACTIONS = 2500;
const CONCURRENCY = 16;
const SYMBOLS = ['PETR4', 'VALE3'] as const;

let api: TestApi;
let engine: { stop(): Promise<void> };

beforeAll(async () => {
  api = await startTestApi({
    FEE_MAKER_BPS: '2',
    FEE_TAKER_BPS: '5',
    STARTING_CASH: '20000.00',
    STARTING_SHARES: '500',
    // A 500 is logged with its error and trace id: a rare one (seen once in CI) must say what it was.
    LOG_LEVEL: 'error',
  });
  engine = await startInTestEngine(api.broker.bootstrap);
});

afterAll(async () => {
  await engine.stop();
  await api.stop();
});

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An amend refused as it should be: to fewer shares than the order has already filled, or to the price or quantity
 * it already has.
 */
function refusedAmend(answer: { status: number; body: unknown }): boolean {
  const fields = ApiErrorBody.safeParse(answer.body).data?.details.fields ?? [];
  const code = fields.length === 1 ? fields[0]?.code : undefined;
  return answer.status === 400 && (code === 'quantity_below_filled' || code === 'unchanged');
}

describe('a randomized trading session through the real pipeline', () => {
  it(
    'conserves cash and shares exactly, never goes negative, and keeps holds and ledger consistent',
    { timeout: 300_000 },
    async () => {
      const random = generator(SEED);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));

      const traders: Array<Awaited<ReturnType<typeof newTrader>>> = [];
      for (let i = 0; i < TRADERS; i++) traders.push(await newTrader(api, `sim-${i}`));
      /** `priced`: a limit or stop-limit order, whose price an amend may change. */
      const live: Array<{ token: string; orderId: string; symbol: string; priced: boolean }> = [];
      const mid: Record<string, number> = { PETR4: 3000, VALE3: 6000 };
      const statuses = new Map<number, number>();
      const unexpected: Array<{ request: string; status: number; body: unknown }> = [];

      const action = async (): Promise<void> => {
        const trader = pick(traders);
        const token = trader.apiKey;
        const roll = random();
        let answer: { status: number; body: unknown };
        let request: string;
        if (roll < 0.15 && live.length > 0) {
          const target = live.splice(Math.floor(random() * live.length), 1)[0]!;
          request = `DELETE /api/orders/${target.orderId}`;
          answer = await api.request('DELETE', `/api/orders/${target.orderId}`, { token: target.token });
        } else if (roll < 0.3 && live.length > 0) {
          const target = pick(live);
          const body =
            random() < 0.5 && target.priced
              ? { price: formatCents(mid[target.symbol]! + between(-30, 30)) }
              : { quantity: String(between(1, 60)) };
          request = `PATCH /api/orders/${target.orderId} ${JSON.stringify(body)}`;
          answer = await api.request('PATCH', `/api/orders/${target.orderId}`, { token: target.token, body });
        } else if (roll < 0.33) {
          const path = random() < 0.6 ? '/api/me/deposits' : '/api/me/withdrawals';
          const amount = formatCents(between(100, 500_000));
          request = `POST ${path} ${amount}`;
          answer = await api.request('POST', path, { token, body: { amount } });
        } else {
          const symbol = pick(SYMBOLS);
          mid[symbol] = Math.max(200, mid[symbol]! + between(-2, 2));
          const side = random() < 0.5 ? 'buy' : 'sell';
          const price = formatCents(mid[symbol]! + between(-40, 40));
          const stop = formatCents(mid[symbol]! + (side === 'buy' ? between(1, 30) : -between(1, 30)));
          const quantity = String(between(1, 50));
          const kind = random();
          const body: Record<string, unknown> =
            kind < 0.55
              ? { symbol, side, type: 'limit', price, quantity, timeInForce: pick(['GTC', 'GTC', 'DAY', 'IOC', 'FOK']) }
              : kind < 0.65
                ? { symbol, side, type: 'limit', price, quantity, postOnly: true }
                : kind < 0.8
                  ? { symbol, side, type: 'market', quantity }
                  : kind < 0.9
                    ? { symbol, side, type: 'stop_limit', price, stopPrice: stop, quantity }
                    : { symbol, side, type: 'stop_market', stopPrice: stop, quantity };
          if (random() < 0.1)
            body['selfTradePrevention'] = pick(['cancel_oldest', 'cancel_both', 'decrement_and_cancel']);
          request = `POST /api/orders ${JSON.stringify(body)}`;
          const response = await api.request('POST', '/api/orders', { token, body });
          answer = response;
          if (response.status === 202) {
            const order = OrderView.parse(response.body);
            live.push({ token, orderId: order.orderId, symbol, priced: order.price !== null });
          }
        }
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (![201, 202, 409, 422].includes(answer.status) && !refusedAmend(answer))
          unexpected.push({ request, ...answer });
      };

      let done = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (done < ACTIONS) {
            done++;
            await action();
          }
        }),
      );
      // Only answers a correct API gives: accepted, or refused for want of money, an order already finished or an
      // amend below what has filled or to what the order has.
      expect(unexpected).toEqual([]);
      expect(statuses.get(202)).toBeGreaterThan(ACTIONS / 2);

      // The exchange closes the day: every DAY order still resting expires, releasing what it held.
      const producer = new Kafka({ brokers: [api.broker.bootstrap], logLevel: logLevel.NOTHING }).producer();
      await producer.connect();
      await producer.send({
        topic: TOPICS.orderCommands,
        messages: SYMBOLS.map((symbol) => {
          const command: OrderCommand = {
            schemaVersion: 1,
            type: 'end_of_day',
            commandId: randomUUID(),
            symbol,
            traceId: randomUUID().replace(/-/g, ''),
            timestamp: Date.now(),
          };
          return { key: symbol, value: encodeCommand(command), headers: messageHeaders(command) };
        }),
      });
      await producer.disconnect();

      const sql = api.app.get(SqlPool);
      const count = async (query: string) => Number((await sql.query(query)).rows[0].n);
      // Quiet: nothing pending and no new engine events for a while.
      let events = -1;
      for (let stable = 0, deadline = Date.now() + 120_000; stable < 4;) {
        if (Date.now() > deadline) throw new Error('the pipeline did not settle');
        await new Promise((resolve) => setTimeout(resolve, 250));
        const now = await count('SELECT count(*) AS n FROM engine_events');
        const pending = await count(`SELECT count(*) AS n FROM orders WHERE status = 'pending'`);
        stable = now === events && pending === 0 ? stable + 1 : 0;
        events = now;
      }
      const trades = await count('SELECT count(*) AS n FROM trades');
      expect(trades).toBeGreaterThan(200);
      expect(await count(`SELECT count(*) AS n FROM orders WHERE status = 'expired'`)).toBeGreaterThan(0);
      expect(
        await count(
          `SELECT count(*) AS n FROM orders WHERE time_in_force = 'DAY' AND status IN ('open', 'partially_filled')`,
        ),
      ).toBe(0);

      // Every rule of the books, as an administrator's reconciliation checks them: money and shares conserved,
      // fees collected, nothing negative, balances equal to their ledgers, holds equal to live orders (a sell's to its
      // unfilled shares), each trade fully settled and covered by holds, each order's fills equal to its trades.
      const books = await sql.transaction((tx) => reconcile(tx), RECONCILIATION_BEGIN);
      expect(books.checks.filter((check) => !check.ok)).toEqual([]);
      expect(books.checks.map((check) => check.name)).toEqual(RECONCILIATION_CHECKS);
      // …with something to check: fees charged, orders filled.
      expect(await count('SELECT count(*) AS n FROM trades WHERE maker_fee + taker_fee > 0')).toBeGreaterThan(0);
      expect(await count('SELECT count(*) AS n FROM orders WHERE filled_value > 0')).toBeGreaterThan(0);
    },
  );
});
