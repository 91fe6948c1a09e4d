import { InstrumentView, OrderView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiWithEngine } from './engine-in-test.js';
import { newTrader, until } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

const exchange = apiWithEngine();

describe("an instrument's most shares per order", () => {
  it('is published, and refuses a larger placement or amend naming the field and the limit', async () => {
    const api = exchange();
    const instruments = z.array(InstrumentView).parse((await api.request('GET', '/api/instruments')).body);
    expect(instruments.find((instrument) => instrument.symbol === 'ABEV3')).toMatchObject({
      maxOrderQuantity: '100000',
    });
    const trader = await newTrader(api, 'order-limit');
    // Enough cash for the largest order at 1.00 and its fee.
    const deposit = await api.request('POST', '/api/me/deposits', {
      token: trader.apiKey,
      body: { amount: '1000.00' },
      headers: { 'idempotency-key': 'order-limit-deposit' },
    });
    expect(deposit.status).toBe(201);
    const order = (quantity: string) =>
      api.request('POST', '/api/orders', {
        token: trader.apiKey,
        body: { symbol: 'ABEV3', side: 'buy', type: 'limit', price: '1.00', quantity },
      });
    const refused = await order('100001');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'validation_failed',
      details: {
        fields: [
          {
            field: 'quantity',
            code: 'quantity_over_limit',
            message: 'quantity must be at most 100000 shares per order in ABEV3',
          },
        ],
      },
    });
    const placed = await order('100000');
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    const { orderId } = OrderView.parse(placed.body);
    await until(
      async () =>
        OrderView.parse((await api.request('GET', `/api/orders/${orderId}`, { token: trader.apiKey })).body).status ===
        'open',
    );
    const amend = (quantity: string) =>
      api.request('PATCH', `/api/orders/${orderId}`, { token: trader.apiKey, body: { quantity } });
    const tooMany = await amend('100001');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ details: { fields: [{ field: 'quantity', code: 'quantity_over_limit' }] } });
    expect((await amend('99999')).status).toBe(202);
  });
});
