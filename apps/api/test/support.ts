import { startPostgres, type RunningPostgres } from '@bolsa/embedded-db';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { applyMigrations } from '../src/database/migrate.js';

export interface TestApi {
  readonly app: NestFastifyApplication;
  readonly db: RunningPostgres;
  request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    options?: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; headers: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/** A real API on a real, freshly migrated PostgreSQL, driven in process through Fastify's inject. */
export async function startTestApi(environment: Record<string, string> = {}): Promise<TestApi> {
  const db = await startPostgres();
  await applyMigrations(db.url);
  const app = await createApp(loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...environment }));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    db,
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
      await db.stop();
    },
  };
}
