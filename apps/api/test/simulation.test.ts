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

      // 1. Conservation: every asset's total equals what was granted and deposited, minus what was withdrawn.
      const conservation = await sql.query(`
      SELECT b.asset, b.total, COALESCE(l.sourced, 0) AS sourced
        FROM (SELECT asset, sum(available + held) AS total FROM balances GROUP BY asset) b
        LEFT JOIN (SELECT asset, sum(available_change) AS sourced FROM ledger_entries
                    WHERE reason IN ('grant', 'deposit', 'withdrawal') GROUP BY asset) l ON l.asset = b.asset`);
      for (const row of conservation.rows) expect([row.asset, row.total]).toEqual([row.asset, row.sourced]);
      const fees = await sql.query(`
      SELECT (SELECT COALESCE(sum(maker_fee + taker_fee), 0) FROM trades) AS charged,
             (SELECT available FROM balances WHERE account_id = '00000000-0000-4000-8000-000000000001'
                AND asset = 'BRL') AS collected`);
      expect(fees.rows[0].collected).toBe(fees.rows[0].charged);
      expect(BigInt(fees.rows[0].charged)).toBeGreaterThan(0n);

      // 2. Nothing negative.
      expect(await count('SELECT count(*) AS n FROM balances WHERE available < 0 OR held < 0')).toBe(0);
      expect(await count('SELECT count(*) AS n FROM orders WHERE hold_amount < 0')).toBe(0);
      expect(await count('SELECT count(*) AS n FROM balances WHERE cost_basis < 0')).toBe(0);

      // 3. Each trade has exactly its ledger entries, and they balance.
      const perTrade = await sql.query(`
      SELECT t.id,
             count(*) FILTER (WHERE l.reason = 'trade') AS trade_entries,
             count(*) FILTER (WHERE l.reason = 'fee') AS fee_entries,
             (CASE WHEN t.maker_fee > 0 THEN 2 ELSE 0 END) + (CASE WHEN t.taker_fee > 0 THEN 2 ELSE 0 END) AS fee_expected,
             COALESCE(sum(l.available_change + l.held_change) FILTER (WHERE l.asset = 'BRL' AND l.reason <> 'release'), 0)
               AS cash_moved,
             COALESCE(sum(l.available_change + l.held_change) FILTER (WHERE l.asset = t.symbol), 0) AS shares_moved,
             COALESCE(sum(l.available_change) FILTER (WHERE l.asset = t.symbol), 0) AS shares_bought
        FROM trades t LEFT JOIN ledger_entries l ON l.trade_id = t.id
       GROUP BY t.symbol, t.sequence`);
      const tradeQuantity = new Map(
        (await sql.query('SELECT id, quantity FROM trades')).rows.map((row) => [row.id, row.quantity]),
      );
      for (const row of perTrade.rows) {
        expect({ id: row.id, trade: Number(row.trade_entries), fee: Number(row.fee_entries) }).toEqual({
          id: row.id,
          trade: 4,
          fee: Number(row.fee_expected),
        });
        expect([row.id, row.cash_moved, row.shares_moved]).toEqual([row.id, '0', '0']);
        expect([row.id, row.shares_bought]).toEqual([row.id, tradeQuantity.get(row.id)]);
      }

      // 4. Holds equal the sum over open orders; finished orders hold nothing.
      const holds = await sql.query(`
      SELECT b.account_id, b.asset, b.held, COALESCE(o.holding, 0) AS holding
        FROM balances b
        LEFT JOIN (SELECT account_id, hold_asset, sum(hold_amount) AS holding FROM orders
                    GROUP BY account_id, hold_asset) o ON o.account_id = b.account_id AND o.hold_asset = b.asset
       WHERE b.held <> COALESCE(o.holding, 0)`);
      expect(holds.rows).toEqual([]);
      expect(
        await count(`SELECT count(*) AS n FROM orders WHERE status NOT IN ('pending', 'open', 'partially_filled')
                     AND hold_amount <> 0`),
      ).toBe(0);

      // 5. Every balance is what its ledger says: the sum of its changes and its last entry's result.
      const replay = await sql.query(`
      SELECT b.account_id, b.asset FROM balances b
        LEFT JOIN LATERAL (SELECT sum(available_change) AS a, sum(held_change) AS h FROM ledger_entries l
                            WHERE l.account_id = b.account_id AND l.asset = b.asset) s ON true
        LEFT JOIN LATERAL (SELECT available_after, held_after FROM ledger_entries l
                            WHERE l.account_id = b.account_id AND l.asset = b.asset ORDER BY id DESC LIMIT 1) last ON true
       WHERE b.available <> COALESCE(s.a, 0) OR b.held <> COALESCE(s.h, 0)
          OR (last.available_after IS NOT NULL AND (last.available_after <> b.available OR last.held_after <> b.held))`);
      expect(replay.rows).toEqual([]);

      // 6. Every fill was covered by what its order held: none took from what its account had free.
      expect(
        await count(`SELECT count(*) AS n FROM ledger_entries WHERE reason = 'hold' AND trade_id IS NOT NULL`),
      ).toBe(0);
      // 7. A live sell with no amend on its way holds its remaining shares, no more: what amends cut came back.
      expect(
        await count(`SELECT count(*) AS n FROM orders WHERE side = 'sell' AND amends_answered = amends_sent
                       AND status IN ('pending', 'open', 'partially_filled')
                       AND hold_amount <> quantity - filled_quantity`),
      ).toBe(0);
      // 8. Each order's filled quantity and value are its trades' sums, as maker and as taker.
      const fills = await sql.query(`
      SELECT o.id, o.filled_quantity, o.filled_value, f.quantity, f.value FROM orders o
        LEFT JOIN (SELECT order_id, sum(quantity) AS quantity, sum(price * quantity) AS value
                     FROM (SELECT maker_order_id AS order_id, price, quantity FROM trades
                           UNION ALL SELECT taker_order_id, price, quantity FROM trades) t
                    GROUP BY order_id) f ON f.order_id = o.id
       WHERE o.filled_quantity <> COALESCE(f.quantity, 0) OR o.filled_value <> COALESCE(f.value, 0)`);
      expect(fills.rows).toEqual([]);
      expect(await count('SELECT count(*) AS n FROM orders WHERE filled_value > 0')).toBeGreaterThan(0);
    },
  );
});
