import { randomUUID } from 'node:crypto';
import { DEFAULT_INSTRUMENTS, decodeCommand, TOPICS, type OrderCommand } from '@bolsa/contracts';
import { ContractBook } from '@bolsa/order-book';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { expect, onTestFinished } from 'vitest';
import type { LaunchedStack } from '../bench/launch.js';

export interface CallOptions {
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

/**
 * A launched exchange as the stack's tests use it: its API over HTTP, and the checks that nothing accepted was lost
 * or applied twice, read from PostgreSQL and from the command log in Kafka.
 */
export class Exchange {
  constructor(readonly stack: LaunchedStack) {}

  async call(method: string, path: string, options: CallOptions = {}): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.stack.api}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  }

  /** A new trader account; its API key. */
  async trader(name: string): Promise<string> {
    const email = `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}-${randomUUID().slice(0, 8)}@example.test`;
    const created = await this.call('POST', '/api/accounts', { body: { name, email, password: 'e2e password 123' } });
    return (created.body as { apiKey: string }).apiKey;
  }

  /** A new API key of an administrator, made through a web login as a person would. */
  async adminKey(credentials: { email: string; password: string }): Promise<string> {
    const login = await fetch(`${this.stack.api}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const key = await fetch(`${this.stack.api}/api/me/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ label: 'tests' }),
    });
    return ((await key.json()) as { token: string }).token;
  }

  /** The pid the launcher last started the app `name` under (`engine`, `api`, `ingest`), if it has. */
  currentPid(name: string): number | undefined {
    const starts = [...this.stack.output().matchAll(new RegExp(`\\b${name} started \\(pid (\\d+)\\)`, 'g'))];
    const last = starts.at(-1);
    return last === undefined ? undefined : Number(last[1]);
  }

  async until<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`condition not met in time\n${this.stack.output().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** A PostgreSQL client for the test, closed when it ends. */
  async database(): Promise<pg.Client> {
    const db = new pg.Client({ connectionString: this.stack.databaseUrl });
    await db.connect();
    onTestFinished(() => db.end());
    return db;
  }

  /** Waits until none of `orderIds` is pending any more, and returns their statuses by id. */
  async settledStatuses(orderIds: string[]): Promise<Map<string, string>> {
    const db = await this.database();
    return this.until(async () => {
      const result = await db.query<{ id: string; status: string }>(
        `select id, status from orders where id = any($1::uuid[])`,
        [orderIds],
      );
      return result.rows.every((row) => row.status !== 'pending')
        ? new Map(result.rows.map((row) => [row.id, row.status]))
        : undefined;
    }, 60_000);
  }

  /** Every amend of `orderIds` is answered (none still counted as on its way), and each owner holds what its orders hold. */
  async expectHoldsSettled(orderIds: string[]): Promise<void> {
    const db = await this.database();
    await this.until(async () => {
      const { rows } = await db.query<{ waiting: number; mismatched: number }>(
        `SELECT (SELECT count(*)::int FROM orders WHERE id = ANY($1::uuid[]) AND amends_answered < amends_sent) AS waiting,
                (SELECT count(*)::int FROM balances b
                   LEFT JOIN (SELECT account_id, hold_asset, sum(hold_amount) AS holding FROM orders
                               GROUP BY account_id, hold_asset) o
                     ON o.account_id = b.account_id AND o.hold_asset = b.asset
                  WHERE b.account_id IN (SELECT account_id FROM orders WHERE id = ANY($1::uuid[]))
                    AND b.held <> COALESCE(o.holding, 0)) AS mismatched`,
        [orderIds],
      );
      return rows[0]!.waiting === 0 && rows[0]!.mismatched === 0 ? true : undefined;
    }, 60_000).catch(async (error: unknown) => {
      // Which orders and balances, so that a failure in CI can be told apart from the last one.
      const { rows: waiting } = await db.query(
        `SELECT id, status, amends_sent, amends_answered, hold_asset, hold_amount FROM orders
          WHERE id = ANY($1::uuid[]) AND amends_answered < amends_sent`,
        [orderIds],
      );
      const { rows: mismatched } = await db.query(
        `SELECT b.account_id, b.asset, b.held, COALESCE(o.holding, 0) AS holding FROM balances b
           LEFT JOIN (SELECT account_id, hold_asset, sum(hold_amount) AS holding FROM orders
                       GROUP BY account_id, hold_asset) o
             ON o.account_id = b.account_id AND o.hold_asset = b.asset
          WHERE b.account_id IN (SELECT account_id FROM orders WHERE id = ANY($1::uuid[]))
            AND b.held <> COALESCE(o.holding, 0)`,
        [orderIds],
      );
      throw new Error(
        `holds not settled: amends waiting ${JSON.stringify(waiting)}, balances off ${JSON.stringify(mismatched)}`,
        { cause: error },
      );
    });
  }

  /**
   * Replays every command on `symbol`'s partition (at least `atLeast` of them) through the order book: the database
   * must hold exactly the trades the replay makes, each once.
   */
  async expectTradesAsReplayed(symbol: string, atLeast: number): Promise<void> {
    const kafka = new Kafka({
      brokers: [`127.0.0.1:${this.stack.kafkaPort}`],
      clientId: 'e2e-replay',
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `e2e-replay-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const commands: { offset: number; command: OrderCommand }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.orderCommands], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const decoded = decodeCommand(message.value!);
        if (decoded.ok && decoded.value.symbol === symbol)
          commands.push({ offset: Number(message.offset), command: decoded.value });
      },
    });
    await this.until(async () => (commands.length >= atLeast ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await consumer.disconnect();
    commands.sort((a, b) => a.offset - b.offset);
    const book = new ContractBook(DEFAULT_INSTRUMENTS.find((i) => i.symbol === symbol)!);
    const expectedTrades = commands
      .flatMap(({ command }) => book.apply(command))
      .filter((event) => event.type === 'trade')
      .map((event) =>
        event.type === 'trade'
          ? [event.tradeId, event.price, event.quantity, event.makerOrderId, event.takerOrderId]
          : [],
      );
    const db = await this.database();
    const stored = await this.until(async () => {
      const result = await db.query(
        `select id, price, quantity, maker_order_id, taker_order_id from trades where symbol = $1 order by sequence`,
        [symbol],
      );
      return result.rows.length >= expectedTrades.length ? result.rows : undefined;
    });
    expect(
      stored.map((row) => [row.id, Number(row.price), Number(row.quantity), row.maker_order_id, row.taker_order_id]),
    ).toEqual(expectedTrades);
    expect(expectedTrades.length).toBeGreaterThan(0);
  }
}
