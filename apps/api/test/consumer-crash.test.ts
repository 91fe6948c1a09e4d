import { OrderView } from '@bolsa/contracts';
import { ApiKey } from '@bolsa/kafka-broker';
import { FaultProxy } from '@bolsa/kafka-broker/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInTestEngine } from './engine-in-test.js';
import { newTrader, startTestApi, type TestApi, until } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

/** GROUP_AUTHORIZATION_FAILED: an error kafkajs does not retry, so it stops the consumer for good. */
const GROUP_AUTHORIZATION_FAILED = 30;

let api: TestApi;
let engine: { stop(): Promise<void> };
const proxy = new FaultProxy('api');

beforeAll(async () => {
  api = await startTestApi({}, {}, proxy);
  engine = await startInTestEngine(api.broker.bootstrap);
});

afterAll(async () => {
  await engine.stop();
  await api.stop();
});

async function status(apiKey: string, orderId: string): Promise<string> {
  return OrderView.parse((await api.request('GET', `/api/orders/${orderId}`, { token: apiKey })).body).status;
}

async function crashes(restartedBy: string): Promise<number> {
  const pattern = new RegExp(
    `^api_engine_events_consumer_crashes_total\\{restarted_by="${restartedBy}"\\} (\\d+)$`,
    'm',
  );
  return Number(pattern.exec(await api.metrics())?.[1] ?? 0);
}

describe('the engine events consumer', () => {
  it('is started again when kafkajs stops it for good, and stores the events that come after', async () => {
    const seller = await newTrader(api, 'crash-seller');
    const buyer = await newTrader(api, 'crash-buyer');
    const order = { symbol: 'VALE3', type: 'limit', price: '61.00', quantity: '5' };
    const sell = OrderView.parse(
      (await api.request('POST', '/api/orders', { token: seller.apiKey, body: { ...order, side: 'sell' } })).body,
    );
    await until(async () => (await status(seller.apiKey, sell.orderId)) === 'open');

    // The consumer's next heartbeat (one goes at least every 3 s) is refused.
    proxy.refuse(ApiKey.Heartbeat, 1, GROUP_AUTHORIZATION_FAILED);
    await until(async () => proxy.refusals === 1);
    await until(async () => (await crashes('api')) === 1);

    const buy = OrderView.parse(
      (await api.request('POST', '/api/orders', { token: buyer.apiKey, body: { ...order, side: 'buy' } })).body,
    );
    await until(async () => (await status(buyer.apiKey, buy.orderId)) === 'filled', 30_000);
    expect(await status(seller.apiKey, sell.orderId)).toBe('filled');
    expect(await crashes('kafkajs')).toBe(0);
  }, 60_000);
});
