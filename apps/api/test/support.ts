import { startPostgres, type RunningPostgres } from '@bolsa/embedded-db';
import { startBroker, type RunningBroker } from '@bolsa/kafka-broker';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { applyMigrations } from '../src/database/migrate.js';

export interface TestApi {
  readonly app: NestFastifyApplication;
  readonly db: RunningPostgres;
  readonly broker: RunningBroker;
  request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    options?: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; headers: Record<string, unknown> }>;
  /** Listens on a free loopback port (for streaming tests) and returns the base URL. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

/** A real API on a real, freshly migrated PostgreSQL, driven in process through Fastify's inject. */
export async function startTestApi(environment: Record<string, string> = {}): Promise<TestApi> {
  const [db, broker] = await Promise.all([startPostgres(), startBroker({ partitions: 3 })]);
  await applyMigrations(db.url);
  const config = loadConfig({
    DATABASE_URL: db.url,
    KAFKA_BROKERS: broker.bootstrap,
    LOG_LEVEL: 'silent',
    ...environment,
  });
  const app = await createApp(config);
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
        body: text === '' ? null : (JSON.parse(text) as unknown),
        headers: response.headers,
      };
    },
    async listen() {
      await app.listen(0, '127.0.0.1');
      return app.getUrl();
    },
    async stop() {
      await app.close();
      await Promise.all([db.stop(), broker.stop()]);
    },
  };
}

/** A new trader account's id and API key. */
export async function newTrader(api: TestApi, name = 'trader'): Promise<{ accountId: string; apiKey: string }> {
  const response = await api.request('POST', '/api/accounts', { body: { name } });
  return response.body as { accountId: string; apiKey: string };
}

export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: unknown;
}

/**
 * Reads a Server-Sent Events stream until `done` says so (or the time runs out), then hangs up. Returns what
 * arrived and the HTTP status.
 */
export async function readStream(
  url: string,
  options: { headers?: Record<string, string>; done: (events: SseEvent[]) => boolean; timeoutMs?: number },
): Promise<{ status: number; events: SseEvent[] }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 15_000);
  const events: SseEvent[] = [];
  try {
    const response = await fetch(url, { headers: options.headers ?? {}, signal: abort.signal });
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
    loadConfig({ DATABASE_URL: of.db.url, KAFKA_BROKERS: of.broker.bootstrap, LOG_LEVEL: 'silent', ...environment }),
  );
  await app.listen(0, '127.0.0.1');
  return { url: await app.getUrl(), stop: () => app.close() };
}
