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
