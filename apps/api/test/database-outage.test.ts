import { ApiErrorBody } from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTrader, startTestApi, type TestApi } from './support.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api.stop();
});

describe('while PostgreSQL is down', () => {
  it('answers 503 unavailable with Retry-After, not a 500', async () => {
    const trader = await newTrader(api, 'outage');
    await api.db.stop();
    for (const [method, url, body] of [
      ['GET', '/api/me/wallet', undefined],
      ['GET', '/api/orders', undefined],
      ['POST', '/api/orders', { symbol: 'PETR4', side: 'buy', type: 'limit', price: '30.00', quantity: '1' }],
    ] as const) {
      const response = await api.request(method, url, {
        token: trader.apiKey,
        ...(body === undefined ? {} : { body }),
      });
      expect([url, response.status, ApiErrorBody.parse(response.body).code]).toEqual([url, 503, 'unavailable']);
      expect(response.headers['retry-after']).toBe('5');
    }
  });
});
