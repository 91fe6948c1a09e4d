import { ApiErrorBody, DEFAULT_INSTRUMENTS, InstrumentView } from '@bolsa/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

let app: NestFastifyApplication;

beforeAll(async () => {
  app = await createApp(loadConfig({ LOG_LEVEL: 'silent' }));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
});

afterAll(async () => {
  await app.close();
});

const inject = (method: 'GET', url: string) => app.getHttpAdapter().getInstance().inject({ method, url });

describe('GET /api/instruments', () => {
  it('lists the configured instruments with decimal prices', async () => {
    const response = await inject('GET', '/api/instruments');
    expect(response.statusCode).toBe(200);
    const views = InstrumentView.array().parse(response.json());
    expect(views.map((view) => view.symbol)).toEqual(DEFAULT_INSTRUMENTS.map((instrument) => instrument.symbol));
    expect(views[0]).toMatchObject({ symbol: 'PETR4', tickSize: '0.01', lotSize: '1', priceBand: { min: '1.00' } });
  });
});

describe('errors', () => {
  it('answers an unknown route with the error shape and 404', async () => {
    const response = await inject('GET', '/api/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(ApiErrorBody.parse(response.json())).toMatchObject({ code: 'not_found' });
  });
});

describe('observability', () => {
  it('reports health and exposes Prometheus metrics, request latency included', async () => {
    expect((await inject('GET', '/health')).json()).toEqual({ status: 'ok' });
    const text = (await inject('GET', '/metrics')).body;
    expect(text).toMatch(
      /api_http_request_duration_seconds_count\{method="GET",route="\/api\/instruments",status="200"\} \d+/,
    );
    expect(text).toMatch(/api_process_cpu_user_seconds_total/);
  });
});

describe('configuration', () => {
  it('names what is wrong', () => {
    expect(() => loadConfig({ API_PORT: 'x' })).toThrow(/API_PORT/);
  });
});
