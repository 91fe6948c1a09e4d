import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { ApiErrorBody } from '@bolsa/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/docs/openapi.js';
import { newAdmin, newTrader, startTestApi, type TestApi } from './support.js';

/**
 * Every documented route, sent what a careless or hostile client sends: odd path segments, query values and
 * headers, bodies of any JSON shape (and some not JSON), with no credentials, a trader's or an administrator's.
 * Whatever comes in, the answer is a 4xx (or a 2xx when the input happened to be fine) with the error body the
 * API documents, naming the field at fault when it refuses an input, never a 5xx.
 */
interface Operation {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query: readonly string[];
  readonly headers: readonly string[];
  readonly bodyFields: readonly string[] | null;
}

interface Schema {
  $ref?: string;
  properties?: Record<string, unknown>;
}
interface Parameter {
  in: string;
  name: string;
}
interface OperationObject {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

// Live streams never end by themselves; they have tests of their own.
const SKIPPED = [/^\/api\/stream\//];

function documentedOperations(): Operation[] {
  const document = openApiDocument() as {
    paths: Record<string, Record<string, OperationObject>>;
    components?: { schemas?: Record<string, Schema> };
  };
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref === undefined ? schema : document.components?.schemas?.[schema.$ref.split('/').pop()!];
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    if (SKIPPED.some((pattern) => pattern.test(path))) continue;
    for (const [method, operation] of Object.entries(item)) {
      const parameters = operation.parameters ?? [];
      const body = resolve(operation.requestBody?.content?.['application/json']?.schema);
      operations.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        headers: parameters.filter((p) => p.in === 'header').map((p) => p.name),
        bodyFields: operation.requestBody === undefined ? null : Object.keys(body?.properties ?? {}),
      });
    }
  }
  return operations;
}

const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'NaN',
    'null',
    '%00',
    '../',
    "' OR 1=1 --",
    '9'.repeat(40),
    'x'.repeat(5000),
  ),
  fc.constantFrom('PETR4', 'petr4', 'VALE3', 'ZZZZ9', '10.00', '0.001', '-5', 'open', 'done', 'BRL', 'buy', 'trade'),
  fc.uuid().map(String),
  fc.integer().map(String),
  fc.double().map(String),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
);
const oddValue = fc.oneof(
  oddText,
  fc.jsonValue({ maxDepth: 2 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

/**
 * A body each route takes, by route: the fuzzer keeps or spoils each of its fields, so that requests get past the
 * first check and into the route's own rules.
 */
const VALID_BODIES: Record<string, Record<string, unknown>> = {
  'POST /api/orders': {
    symbol: 'PETR4',
    side: 'buy',
    type: 'stop_limit',
    timeInForce: 'gtc',
    price: '30.00',
    stopPrice: '31.00',
    quantity: '100',
    postOnly: false,
    selfTradePrevention: 'cancel_newest',
    clientOrderId: 'fuzz-1',
  },
  'PATCH /api/orders/{id}': { price: '31.00', quantity: '50', stopPrice: '32.00', trailingOffset: '0.50' },
  'POST /api/me/deposits': { amount: '100.00' },
  'POST /api/me/withdrawals': { amount: '1.00' },
  'POST /api/admin/accounts/{id}/suspension': { reason: 'a compliance review' },
  'POST /api/auth/signup': { name: 'Fuzz', email: 'fuzz@example.test', password: 'correct horse battery' },
  'POST /api/accounts': { name: 'Fuzz', email: 'fuzz2@example.test', password: 'correct horse battery' },
  'POST /api/auth/login': { email: 'fuzz@example.test', password: 'correct horse battery' },
  'POST /api/auth/password': { currentPassword: 'wrong one', newPassword: 'another long passphrase' },
  'POST /api/me/api-keys': { label: 'bot' },
};

function nearlyValid(base: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(base).map(([key, value]) =>
    fc.oneof(fc.constant([key, value] as const), fc.tuple(fc.constant(key), oddValue), fc.constant(null)),
  );
  return fc
    .tuple(...fields)
    .map((entries) => Object.fromEntries(entries.filter((entry) => entry !== null) as [string, unknown][]));
}

function bodyFor(
  fields: readonly string[] | null,
  valid: Record<string, unknown> | undefined,
): fc.Arbitrary<{ raw: string } | { json: unknown } | null> {
  const shaped =
    fields === null || fields.length === 0
      ? fc.dictionary(oddText, oddValue, { maxKeys: 4 })
      : fc.dictionary(fc.oneof(fc.constantFrom(...fields), oddText), oddValue, { maxKeys: fields.length + 2 });
  return fc.oneof(
    ...(valid === undefined ? [] : [nearlyValid(valid).map((json) => ({ json }))]),
    shaped.map((json) => ({ json })),
    fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })),
    fc.constantFrom('{', '{"a":', '[1,2', 'null', '"text"', '', '\u0000', '{"price":1e999}').map((raw) => ({ raw })),
    fc.constant(null),
  );
}

/** Ids that exist (the trader's order and account, the admin's account), so that some requests find something. */
const knownIds: string[] = [];

function request(operation: Operation) {
  const segment = fc.oneof(oddText, fc.constantFrom(...knownIds));
  return fc.record({
    segments: fc.array(segment, { minLength: 3, maxLength: 3 }),
    query: fc.dictionary(fc.oneof(fc.constantFrom(...operation.query, 'limit'), oddText), oddText, { maxKeys: 4 }),
    headers: fc.dictionary(
      fc.constantFrom(
        ...operation.headers,
        'Idempotency-Key',
        'Last-Event-ID',
        'traceparent',
        'cookie',
        'x-csrf-token',
        'authorization',
        'content-type',
        'accept',
      ),
      oddText.filter((value) => /^[\t\x20-\x7e]*$/.test(value)),
      { maxKeys: 2 },
    ),
    body: bodyFor(operation.bodyFields, VALID_BODIES[`${operation.method} ${operation.path}`]),
    caller: fc.constantFrom('nobody', 'trader', 'admin'),
  });
}

let api: TestApi;
let traderKey: string;
let adminKey: string;

beforeAll(async () => {
  api = await startTestApi();
  const trader = await newTrader(api, 'fuzzed');
  traderKey = trader.apiKey;
  const admin = await newAdmin(api);
  adminKey = admin.apiKey;
  const order = await api.request('POST', '/api/orders', {
    token: traderKey,
    body: { symbol: 'PETR4', side: 'buy', type: 'limit', price: '30.00', quantity: '10' },
  });
  knownIds.push(trader.accountId, admin.accountId, (order.body as { orderId: string }).orderId);
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

/** Sends `raw` bytes on a connection of its own; the status and body of what comes back before it closes. */
function rawExchange(port: number, raw: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => socket.end(raw));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () =>
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), body: text.split('\r\n\r\n')[1] ?? '' }),
    );
  });
}

describe('every documented route under random input', () => {
  const operations = documentedOperations();

  it('documents enough routes for this to mean something', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it('answers what is not HTTP, or headers past the limit, with the error body too', async () => {
    const port = Number(new URL(await api.listen()).port);
    for (const [raw, status] of [
      ['HELLO THERE\r\n\r\n', 400],
      ['GET /api/instruments HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400],
      [`GET /api/instruments HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ] as const) {
      const answer = await rawExchange(port, raw);
      expect(answer.status).toBe(status);
      expect(ApiErrorBody.parse(JSON.parse(answer.body)).code).toBe('validation_failed');
    }
  });

  it('answers a path the router refuses with the error body too', async () => {
    const router = api.app.getHttpAdapter().getInstance();
    const tooLong = await router.inject({ method: 'GET', url: `/api/orders/${'x'.repeat(500)}` });
    expect([tooLong.statusCode, ApiErrorBody.parse(tooLong.json()).code]).toEqual([404, 'not_found']);
    const badlyEncoded = await router.inject({ method: 'GET', url: '/api/markets/%E0%A4%A/book' });
    expect([badlyEncoded.statusCode, ApiErrorBody.parse(badlyEncoded.json()).code]).toEqual([400, 'validation_failed']);
  });

  it.each(operations.map((operation) => [`${operation.method} ${operation.path}`, operation] as const))(
    '%s answers 2xx or 4xx with the documented error body',
    async (_, operation) => {
      await fc.assert(
        fc.asyncProperty(request(operation), async (input) => {
          let segment = 0;
          const path = operation.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(input.segments[segment++]!));
          const search = new URLSearchParams(Object.entries(input.query)).toString();
          const headers: Record<string, string> = { ...input.headers, 'x-request-id': randomUUID() };
          const token = input.caller === 'trader' ? traderKey : input.caller === 'admin' ? adminKey : undefined;
          if (token !== undefined) headers['authorization'] ??= `Bearer ${token}`;
          const body = input.body;
          if (body !== null) headers['content-type'] ??= 'application/json';
          // Not through api.request: a 2xx may be text (metrics, a CSV), and only an error must be JSON.
          const response = await api.app
            .getHttpAdapter()
            .getInstance()
            .inject({
              method: operation.method,
              url: search === '' ? path : `${path}?${search}`,
              headers,
              ...(body === null ? {} : { payload: 'raw' in body ? body.raw : JSON.stringify(body.json) }),
            });
          const context = JSON.stringify({ input, answer: response.body.slice(0, 500) });
          expect(response.statusCode, context).toBeLessThan(500);
          if (response.statusCode >= 400) {
            const error = ApiErrorBody.safeParse(JSON.parse(response.body));
            expect(error.success, context).toBe(true);
            // A refused input names the field at fault, so that a program can tell which.
            if (error.data?.code === 'validation_failed') {
              expect(error.data.details.fields?.length ?? 0, context).toBeGreaterThan(0);
            }
          }
        }),
        { numRuns: 150, seed: 20261204 },
      );
    },
    60_000,
  );
});
