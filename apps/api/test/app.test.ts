import { ApiErrorBody, DEFAULT_INSTRUMENTS, InstrumentView } from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startTestApi, type TestApi } from './support.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api.stop();
});

describe('GET /api/instruments', () => {
  it('lists the configured instruments with decimal prices', async () => {
    const response = await api.request('GET', '/api/instruments');
    expect(response.status).toBe(200);
    const views = InstrumentView.array().parse(response.body);
    expect(views.map((view) => view.symbol)).toEqual(DEFAULT_INSTRUMENTS.map((instrument) => instrument.symbol));
    expect(views[0]).toMatchObject({ symbol: 'PETR4', tickSize: '0.01', lotSize: '1', priceBand: { min: '1.00' } });
  });
});

describe('errors', () => {
  it('answers an unknown route with the error shape and 404', async () => {
    const response = await api.request('GET', '/api/nothing-here');
    expect(response.status).toBe(404);
    expect(ApiErrorBody.parse(response.body)).toMatchObject({ code: 'not_found' });
  });

  it('answers a method a route does not take with method_not_allowed, 405 and the methods it takes', async () => {
    for (const [method, url, allowed] of [
      ['PUT', '/api/orders', ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST']],
      ['POST', '/api/orders/00000000-0000-4000-8000-000000000000?x=1', ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH']],
      ['DELETE', '/api/markets/PETR4/book', ['GET', 'HEAD', 'OPTIONS']],
    ] as const) {
      const response = await api.app.getHttpAdapter().getInstance().inject({ method, url });
      expect(response.statusCode).toBe(405);
      expect(response.headers['allow']).toBe(allowed.join(', '));
      expect(ApiErrorBody.parse(JSON.parse(response.body))).toEqual({
        code: 'method_not_allowed',
        message: `${method} is not answered here; ${allowed.join(', ')} are`,
        details: { allowed },
      });
    }
  });

  it('answers OPTIONS with 204 and the methods a path takes, and 404 for a path no route has', async () => {
    const fastify = api.app.getHttpAdapter().getInstance();
    const orders = await fastify.inject({ method: 'OPTIONS', url: '/api/orders/00000000-0000-4000-8000-000000000000' });
    expect(orders.statusCode).toBe(204);
    expect(orders.headers['allow']).toBe('DELETE, GET, HEAD, OPTIONS, PATCH');
    expect(orders.body).toBe('');
    const nothing = await fastify.inject({ method: 'OPTIONS', url: '/api/nothing-here' });
    expect(nothing.statusCode).toBe(404);
    expect(nothing.headers['allow']).toBeUndefined();
    expect(ApiErrorBody.parse(JSON.parse(nothing.body)).code).toBe('not_found');
  });

  it('answers a body that is not JSON with malformed_json and 400', async () => {
    const response = await api.request('POST', '/api/accounts', { raw: '{"name":' });
    expect(response.status).toBe(400);
    expect(ApiErrorBody.parse(response.body).code).toBe('malformed_json');
  });

  /** A request through Fastify's inject with exactly these headers and body. */
  async function raw(method: 'POST' | 'DELETE', url: string, headers: Record<string, string>, payload?: string) {
    const response = await api.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    return { status: response.statusCode, body: ApiErrorBody.parse(JSON.parse(response.body)) };
  }

  it('answers a body over the limit with payload_too_large and 413', async () => {
    const response = await raw(
      'POST',
      '/api/accounts',
      { 'content-type': 'application/json' },
      JSON.stringify({ name: 'x'.repeat(100_000) }),
    );
    expect([response.status, response.body.code]).toEqual([413, 'payload_too_large']);
  });

  it('answers a body in a format the API does not read with unsupported_media_type and 415', async () => {
    for (const [type, body] of [
      ['application/xml', '<account/>'],
      ['text/plain', '{"name":"x"}'],
      ['application/x-www-form-urlencoded', 'name=x'],
    ]) {
      const response = await raw('POST', '/api/accounts', { 'content-type': type! }, body);
      expect([response.status, response.body.code]).toEqual([415, 'unsupported_media_type']);
    }
  });

  it('reads an empty body labelled JSON as no body', async () => {
    const json = { 'content-type': 'application/json' };
    // A cancel without a key: the key is what is missing, not a valid body.
    expect((await raw('DELETE', '/api/orders/00000000-0000-4000-8000-000000000000', json, '')).body.code).toBe(
      'unauthorized',
    );
    const signup = await raw('POST', '/api/accounts', json, '');
    expect(signup.status).toBe(400);
    expect(signup.body.code).toBe('validation_failed');
    expect(signup.body.details.fields?.map((field) => field.field)).toContain('email');
  });
});

describe('observability', () => {
  it('reports health and exposes Prometheus metrics, request latency included', async () => {
    expect((await api.request('GET', '/health')).body).toEqual({ status: 'ok' });
    await api.request('GET', '/api/instruments');
    const metrics = await api.metrics();
    expect(metrics).toMatch(
      /api_http_request_duration_seconds_count\{method="GET",route="\/api\/instruments",status="200"\} \d+/,
    );
    expect(metrics).toMatch(/api_process_cpu_user_seconds_total/);
  });
});

describe('configuration', () => {
  it('names what is wrong', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', API_PORT: 'x' })).toThrow(/API_PORT/);
    expect(() => loadConfig({})).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', ORDER_RESEND_AFTER_MS: '-1' })).toThrow(
      /ORDER_RESEND_AFTER_MS/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_CLOSE: '6pm' })).toThrow(/MARKET_CLOSE/);
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_TIMEZONE: 'Brasil' })).toThrow(
      /MARKET_TIMEZONE/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', SSE_MAX_BUFFERED_BYTES: '100' })).toThrow(
      /SSE_MAX_BUFFERED_BYTES/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', SSE_REPLAY_MAX_EVENTS: '0' })).toThrow(
      /SSE_REPLAY_MAX_EVENTS/,
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://x/y' }).streams).toEqual({
      heartbeatMs: 15_000,
      maxBufferedBytes: 1024 * 1024,
      replayMaxEvents: 100_000,
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_CLOSE: 'off' }).marketClose).toBeNull();
    const b3 = loadConfig({ DATABASE_URL: 'postgresql://x/y' }).marketClose;
    expect(b3).toMatchObject({ minute: 18 * 60, timeZone: 'America/Sao_Paulo', weekdays: new Set([1, 2, 3, 4, 5]) });
    // B3's holidays by default: Christmas, the Carnival of 2027 (Easter is on the 28th of March).
    expect(['2026-12-25', '2027-02-08', '2027-02-09'].every((day) => b3!.holidays.has(day))).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_HOLIDAYS: '' }).marketClose!.holidays).toEqual(
      new Set(),
    );
    expect(
      loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_DAYS: 'sun-thu', MARKET_HOLIDAYS: '2026-12-25' })
        .marketClose,
    ).toMatchObject({ weekdays: new Set([0, 1, 2, 3, 4]), holidays: new Set(['2026-12-25']) });
    expect(loadConfig({ DATABASE_URL: 'postgresql://x/y' }).marketOpen).toBeNull();
    const opening = loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_OPEN: '10:00' }).marketOpen;
    // B3's late openings by default: Ash Wednesday 2027, from 13:00.
    expect(opening).toMatchObject({ minute: 600 });
    expect(opening!.late.get('2027-02-10')).toBe(780);
    expect(
      loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_OPEN: '10:00', MARKET_LATE_OPENINGS: '2027-01-04@11:30' })
        .marketOpen!.late,
    ).toEqual(new Map([['2027-01-04', 690]]));
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_LATE_OPENINGS: '2027-01-04' })).toThrow(
      /MARKET_LATE_OPENINGS: must be b3 and\/or dates with times such as 2026-02-18@13:00/,
    );
    for (const [open, close] of [
      ['18:00', '18:00'],
      ['10:00', 'off'],
    ]) {
      expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_OPEN: open, MARKET_CLOSE: close })).toThrow(
        /MARKET_OPEN: must be before MARKET_CLOSE/,
      );
    }
    // A pre-opening of B3's 15 minutes; none by default, and none without an opening.
    expect(opening).toMatchObject({ preOpeningMinutes: 0 });
    expect(
      loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_OPEN: '10:00', MARKET_PREOPENING_MINUTES: '15' })
        .marketOpen,
    ).toMatchObject({ minute: 600, preOpeningMinutes: 15 });
    for (const [open, minutes] of [
      ['off', '15'],
      ['00:10', '15'],
    ]) {
      expect(() =>
        loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_OPEN: open, MARKET_PREOPENING_MINUTES: minutes }),
      ).toThrow(/MARKET_PREOPENING_MINUTES: needs MARKET_OPEN/);
    }
    // A closing call of B3's 5 minutes; it needs trading hours, and to start after the opening.
    expect(
      loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_OPEN: '10:00', MARKET_CLOSING_CALL_MINUTES: '5' })
        .marketOpen,
    ).toMatchObject({ closingCallMinutes: 5 });
    for (const open of ['off', '17:55']) {
      expect(() =>
        loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_OPEN: open, MARKET_CLOSING_CALL_MINUTES: '5' }),
      ).toThrow(/MARKET_CLOSING_CALL_MINUTES: needs MARKET_OPEN, and to start after it/);
    }
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_PREOPENING_MINUTES: '-1' })).toThrow(
      /MARKET_PREOPENING_MINUTES/,
    );
    // A reopening call after a halt, in seconds; none by default, and one needs no trading hours.
    expect(loadConfig({ DATABASE_URL: 'postgresql://x/y' }).reopeningMs).toBe(0);
    expect(loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_REOPENING_SECONDS: '900' }).reopeningMs).toBe(900_000);
    for (const seconds of ['-1', '1.5', '86401']) {
      expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_REOPENING_SECONDS: seconds })).toThrow(
        /MARKET_REOPENING_SECONDS/,
      );
    }
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_OPEN: '10h' })).toThrow(
      /MARKET_OPEN: must be HH:MM or off/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_DAYS: 'weekdays' })).toThrow(
      /MARKET_DAYS: must be days such as mon-fri/,
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://x/y' }).trustProxy).toEqual([
      'loopback',
      'linklocal',
      'uniquelocal',
    ]);
    expect(loadConfig({ DATABASE_URL: 'postgresql://x/y', TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(
      loadConfig({ DATABASE_URL: 'postgresql://x/y', TRUST_PROXY: 'loopback, 10.0.0.0/8, 2001:db8::1' }).trustProxy,
    ).toEqual(['loopback', '10.0.0.0/8', '2001:db8::1']);
    for (const bad of ['everyone', '10.0.0.0/33', '10.0.0/8', 'loopback,,uniquelocal']) {
      expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_HOLIDAYS: '25/12/2026' })).toThrow(
      /MARKET_HOLIDAYS: must be b3 and\/or dates/,
    );
  });

  it('re-sends pending orders only from the process that stores engine events', () => {
    const url = { DATABASE_URL: 'postgresql://x/y' };
    expect(loadConfig(url).orderResendAfterMs).toBe(10_000);
    expect(loadConfig({ ...url, ORDER_RESEND_AFTER_MS: '2500' }).orderResendAfterMs).toBe(2500);
    expect(loadConfig({ ...url, ORDER_RESEND_AFTER_MS: '2500', EVENTS_CONSUMER: 'off' }).orderResendAfterMs).toBe(0);
  });
});

describe('GET /api/docs', () => {
  it('serves an OpenAPI 3.1 document whose schemas come from the contracts', async () => {
    const response = await api.request('GET', '/api/docs');
    expect(response.status).toBe(200);
    const document = response.body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/orders',
        '/api/orders/{id}',
        '/api/orders/{id}/timeline',
        '/api/markets/{symbol}/book',
        '/api/stream/orders',
        '/api/auth/login',
        '/api/me/wallet',
        '/api/me/ledger',
        '/api/me/trades',
        '/api/me/api-keys/{keyId}',
        '/api/stream/me',
        '/api/admin/summary',
      ]),
    );
    expect(Object.keys(document.paths['/api/orders/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
    const place = document.components.schemas['PlaceOrderRequest']!;
    expect(place.required).toEqual(expect.arrayContaining(['symbol', 'side', 'type', 'quantity']));
    expect(Object.keys(place.properties ?? {})).toContain('timeInForce');
    const refs = JSON.stringify(document.paths).match(/#\/components\/schemas\/(\w+)/g) ?? [];
    for (const ref of new Set(refs)) expect(document.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
  });

  it('documents every route the API serves, and no route it does not', async () => {
    const document = (await api.request('GET', '/api/docs')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    // HEAD comes with every GET; the document does not describe itself.
    const served = servedRoutes(api).filter((route) => !route.startsWith('HEAD ') && route !== 'GET /api/docs');
    expect(served.length).toBeGreaterThan(50);
    expect(documented.sort()).toEqual(served.sort());
  });
});

/** Every method and path the API's Fastify instance serves, read from its route tree (`printRoutes`). */
function servedRoutes(api: TestApi): string[] {
  const tree = api.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const routes: string[] = [];
  const pathAtDepth: string[] = [];
  for (const line of tree.split('\n')) {
    // A node with no methods of its own (a shared prefix) only extends the path of those under it.
    const node = /^(.*?)[└├]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (node === null) continue;
    const depth = node[1]!.length / 4;
    const path = (depth === 0 ? '' : pathAtDepth[depth - 1]!) + node[2]!;
    pathAtDepth[depth] = path;
    for (const method of node[3]?.split(', ') ?? []) routes.push(`${method} ${path}`);
  }
  return routes;
}
