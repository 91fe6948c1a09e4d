import { randomUUID } from 'node:crypto';
import { decodeCommand, TOPICS, type OrderCommand } from '@bolsa/contracts';
import { startPostgres, type RunningPostgres } from '@bolsa/embedded-db';
import { startBroker, type RunningBroker } from '@bolsa/kafka-broker';
import type { FaultProxy } from '@bolsa/kafka-broker/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { inject } from 'vitest';
import { ensureAdmin } from '../src/accounts/admin-seed.js';
import { createApp, type AppOptions } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { SqlPool } from '../src/database/sql-pool.js';
import { SessionCloser } from '../src/sessions/session-closer.js';
import { SessionOpener } from '../src/sessions/session-opener.js';

export interface TestApi {
  readonly app: NestFastifyApplication;
  readonly db: RunningPostgres;
  readonly broker: RunningBroker;
  request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    options?: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; headers: Record<string, unknown> }>;
  /** What GET /metrics answers now (Prometheus text). */
  metrics(): Promise<string>;
  /** Listens on a free loopback port (for streaming tests) and returns the base URL. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real API on a real PostgreSQL of its own (a copy of the migrated one `test/global-setup.ts` makes), driven in
 * process through Fastify's inject. Given a fault proxy (not yet listening), every Kafka client reaches the broker
 * through it.
 */
export async function startTestApi(
  environment: Record<string, string> = {},
  options: AppOptions = {},
  proxy?: FaultProxy,
): Promise<TestApi> {
  const proxyPort = await proxy?.listen();
  const [db, broker] = await Promise.all([
    startPostgres({ template: inject('migratedPostgres') }),
    startBroker({ partitions: 3, ...(proxyPort === undefined ? {} : { advertisedPort: proxyPort }) }),
  ]);
  if (proxy !== undefined) proxy.brokerPort = broker.port;
  const config = loadConfig({
    DATABASE_URL: db.url,
    KAFKA_BROKERS: proxyPort === undefined ? broker.bootstrap : `127.0.0.1:${proxyPort}`,
    LOG_LEVEL: 'silent',
    // The lowest cost the config allows: many accounts are made here, and the cost is stored with each hash.
    PASSWORD_HASH_COST: '12',
    // Suites that read the command topic count on seeing only what they sent; the re-sender has its own tests.
    ORDER_RESEND_AFTER_MS: '0',
    // Days close when a test says (an admin's close, or SessionCloser.tick with a time of its own), so that a run
    // spanning the real 18:00 in São Paulo does not see its DAY orders expire under it.
    MARKET_CLOSE: 'off',
    ...environment,
  });
  const app = await createApp(config, options);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    db,
    broker,
    async request(method, url, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
      const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      if (payload !== undefined) headers['content-type'] = 'application/json';
      const response = await app
        .getHttpAdapter()
        .getInstance()
        .inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
      const text = response.body;
      return {
        status: response.statusCode,
        // A file (text/csv) as it came; anything else is JSON.
        body:
          text === ''
            ? null
            : String(response.headers['content-type']).startsWith('text/')
              ? text
              : (JSON.parse(text) as unknown),
        headers: response.headers,
      };
    },
    async metrics() {
      return (await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/metrics' })).body;
    },
    async listen() {
      await app.listen(0, '127.0.0.1');
      return app.getUrl();
    },
    async stop() {
      await app.close();
      await proxy?.close();
      await Promise.all([db.stop(), broker.stop()]);
    },
  };
}

export const TEST_PASSWORD = 'correct horse battery';

/**
 * Reads every command the API publishes, from the start of the topic, handing each to `onCommand` with its Kafka
 * message (key, headers); a message that is not a command fails the read. Disconnect it when done.
 */
export async function watchCommands(
  api: TestApi,
  name: string,
  onCommand: (command: OrderCommand, message: KafkaMessage) => void,
): Promise<Consumer> {
  const kafka = new Kafka({ brokers: [api.broker.bootstrap], clientId: name, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: name, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPICS.orderCommands], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const decoded = decodeCommand(message.value!);
      if (!decoded.ok) throw new Error(decoded.error.message);
      onCommand(decoded.value, message);
    },
  });
  return consumer;
}

/** A new trader account's id, email and API key (with the configured starting cash and shares). */
export async function newTrader(
  api: TestApi,
  name = 'trader',
): Promise<{ accountId: string; apiKey: string; email: string }> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}-${randomUUID().slice(0, 8)}@example.test`;
  const response = await api.request('POST', '/api/accounts', { body: { name, email, password: TEST_PASSWORD } });
  if (response.status !== 201) throw new Error(`account not created: ${JSON.stringify(response.body)}`);
  return response.body as { accountId: string; apiKey: string; email: string };
}

export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: unknown;
}

interface StreamOptions {
  headers?: Record<string, string>;
  done: (events: SseEvent[]) => boolean;
  /**
   * For streams that first send what is (a wallet, every ticker): whether that has arrived. The server subscribes
   * to the updates that follow only once it has sent it.
   */
  sentFirst?: (events: SseEvent[]) => boolean;
  timeoutMs?: number;
}

/**
 * Reads a Server-Sent Events stream until `done` says so (or the time runs out), then hangs up. Resolves to what
 * arrived and the HTTP status; `opened` resolves once the server has answered (it subscribes to live events
 * before it does) and, with `sentFirst`, sent its first messages, so whatever happens after that reaches the stream.
 */
export function readStream(
  url: string,
  options: StreamOptions,
): Promise<{ status: number; events: SseEvent[] }> & { opened: Promise<void> } {
  let opened = () => undefined as void;
  const answered = new Promise<void>((resolve) => (opened = resolve));
  const reading = readUntilDone(url, options, opened);
  // A stream that fails or ends before it answers has nothing more to wait for.
  const ended = reading.then(
    () => undefined,
    () => undefined,
  );
  return Object.assign(reading, { opened: Promise.race([answered, ended]) });
}

async function readUntilDone(
  url: string,
  options: StreamOptions,
  opened: () => void,
): Promise<{ status: number; events: SseEvent[] }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 15_000);
  const events: SseEvent[] = [];
  try {
    const response = await fetch(url, { headers: options.headers ?? {}, signal: abort.signal });
    if (options.sentFirst === undefined) opened();
    if (response.status !== 200 || response.body === null) return { status: response.status, events };
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          if (line.startsWith(':') || line === '') continue;
          const colon = line.indexOf(':');
          fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
        }
        if (!fields.has('data')) continue;
        events.push({
          id: fields.get('id'),
          event: fields.get('event') ?? 'message',
          data: JSON.parse(fields.get('data')!),
        });
      }
      if (options.sentFirst?.(events) === true) opened();
      if (options.done(events)) break;
    }
    return { status: 200, events };
  } catch (error) {
    if (abort.signal.aborted) return { status: 200, events };
    throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** Another API process on the same database and broker (for instance a read-only one that does not ingest). */
export async function startSiblingApi(
  of: TestApi,
  environment: Record<string, string>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const app = await createApp(
    loadConfig({
      DATABASE_URL: of.db.url,
      KAFKA_BROKERS: of.broker.bootstrap,
      LOG_LEVEL: 'silent',
      PASSWORD_HASH_COST: '12',
      ORDER_RESEND_AFTER_MS: '0',
      ...environment,
    }),
  );
  await app.listen(0, '127.0.0.1');
  return { url: await app.getUrl(), stop: () => app.close() };
}

export interface BrowserSession {
  readonly accountId: string;
  /** The `cookie` request header carrying the session. */
  readonly cookie: string;
  readonly csrfToken: string;
}

/** The cookies a response sets, as a `cookie` request header. */
export function cookieHeader(headers: Record<string, unknown>): string {
  const setCookie = headers['set-cookie'];
  const lines = Array.isArray(setCookie) ? (setCookie as string[]) : [String(setCookie ?? '')];
  return lines
    .map((line) => line.split(';')[0]!)
    .filter((pair) => pair.includes('='))
    .join('; ');
}

/** Logs in through `POST /api/auth/login`, as a browser would. */
export async function logIn(api: TestApi, email: string, password = TEST_PASSWORD): Promise<BrowserSession> {
  const response = await api.request('POST', '/api/auth/login', { body: { email, password } });
  if (response.status !== 200) throw new Error(`login failed: ${JSON.stringify(response.body)}`);
  const body = response.body as { account: { accountId: string }; csrfToken: string };
  return { accountId: body.account.accountId, cookie: cookieHeader(response.headers), csrfToken: body.csrfToken };
}

/** An administrator, made the only way admins are made (the seed), with a session and an API key. */
export async function newAdmin(api: TestApi): Promise<BrowserSession & { apiKey: string; email: string }> {
  const email = `admin-${randomUUID().slice(0, 8)}@example.test`;
  await ensureAdmin(api.app.get(SqlPool), { email, name: 'Admin', password: TEST_PASSWORD }, 12);
  const session = await logIn(api, email);
  const key = await api.request('POST', '/api/me/api-keys', {
    body: { label: 'panel' },
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
  });
  return { ...session, email, apiKey: (key.body as { token: string }).token };
}

/**
 * The exchange's first account, made as if opened on 2025-01-02: the clock closes only days after the exchange
 * opened, and tests close days from 2026 on.
 */
/**
 * The trading clock acts only when a test says (its closer's and opener's timers stopped: call their `tick` with a
 * time of the test's), and the exchange has been open since 2025, so that a close at such a time counts.
 */
export async function clockStopped(api: TestApi): Promise<void> {
  await api.app.get(SessionCloser).onModuleDestroy();
  await api.app.get(SessionOpener).onModuleDestroy();
  await openedIn2025(api);
}

export async function openedIn2025(api: TestApi): Promise<void> {
  const founder = await newTrader(api, 'founder');
  await api.app
    .get(SqlPool)
    .query(`UPDATE accounts SET created_at = '2025-01-02 12:00:00' WHERE id = $1`, [founder.accountId]);
}

/** The weekday after a `YYYY-MM-DD` day. */
export function nextWeekday(day: string): string {
  let next = Date.parse(`${day}T00:00:00Z`);
  do next += 86_400_000;
  while ([0, 6].includes(new Date(next).getUTCDay()));
  return new Date(next).toISOString().slice(0, 10);
}

/** Polls `check` until it gives a value (not undefined or false), or fails after `timeoutMs`. */
export async function until<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A time zone where it is about noon now (an `Etc/GMT` one, named by its offset with the sign turned), so a test can
 * set trading hours minutes from now without meeting midnight: the local minute now, `HH:MM` of a local minute, and
 * the instant of a local minute today.
 */
export function aroundNoon(now = new Date()): {
  timeZone: string;
  /** Today there, `YYYY-MM-DD`. */
  day: string;
  minute: number;
  timeOfDay: (minute: number) => string;
  instant: (minute: number) => Date;
} {
  const hoursAhead = 12 - now.getUTCHours();
  const local = new Date(now.getTime() + hoursAhead * 3_600_000);
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - hoursAhead * 3_600_000;
  const pad = (value: number) => String(value).padStart(2, '0');
  return {
    timeZone: hoursAhead === 0 ? 'UTC' : `Etc/GMT${hoursAhead > 0 ? '-' : '+'}${Math.abs(hoursAhead)}`,
    day: local.toISOString().slice(0, 10),
    minute: 12 * 60 + now.getUTCMinutes(),
    timeOfDay: (minute) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`,
    instant: (minute) => new Date(midnight + minute * 60_000),
  };
}

/**
 * Every day a trading day, in a zone where it is about noon now, opening three minutes from now after a pre-opening
 * of ten: a test starting now runs in the auction. The environment, and the instant of the opening.
 */
export function inPreOpening(): { hours: Record<string, string>; opening: Date } {
  const zone = aroundNoon();
  const openMinute = zone.minute + 3;
  return {
    hours: {
      MARKET_OPEN: zone.timeOfDay(openMinute),
      MARKET_PREOPENING_MINUTES: '10',
      MARKET_CLOSE: '23:59',
      MARKET_TIMEZONE: zone.timeZone,
      MARKET_DAYS: 'sun-sat',
      MARKET_HOLIDAYS: '',
      MARKET_LATE_OPENINGS: '',
    },
    opening: zone.instant(openMinute),
  };
}
