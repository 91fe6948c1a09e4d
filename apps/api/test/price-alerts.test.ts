import { MAX_ACTIVE_PRICE_ALERTS, MAX_PRICE_ALERT_CHANGES_PER_MINUTE, PriceAlertView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiWithEngine } from './engine-in-test.js';
import { newTrader, readStream, until, type SseEvent } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

const exchange = apiWithEngine();
const AlertList = z.array(PriceAlertView);

describe('price alerts', () => {
  it('go off once, at the first trade at or beyond their price, in the stream and the list of their owner only', async () => {
    const api = exchange();
    const base = await api.listen();
    const watcher = await newTrader(api, 'alert-watcher');
    const other = await newTrader(api, 'alert-other');
    const [seller, buyer] = [await newTrader(api, 'alert-seller'), await newTrader(api, 'alert-buyer')];
    const create = (token: string, body: unknown) => api.request('POST', '/api/alerts', { token, body });
    const list = async (token: string) => AlertList.parse((await api.request('GET', '/api/alerts', { token })).body);

    const above = await create(watcher.apiKey, { symbol: 'ITUB4', condition: 'at_or_above', price: '34.50' });
    expect(above.status, JSON.stringify(above.body)).toBe(201);
    expect(PriceAlertView.parse(above.body)).toMatchObject({
      symbol: 'ITUB4',
      condition: 'at_or_above',
      price: '34.50',
      triggeredAt: null,
      triggerPrice: null,
    });
    const tooHigh = PriceAlertView.parse(
      (await create(watcher.apiKey, { symbol: 'ITUB4', condition: 'at_or_above', price: '36.00' })).body,
    );
    const below = PriceAlertView.parse(
      (await create(watcher.apiKey, { symbol: 'ITUB4', condition: 'at_or_below', price: '34.00' })).body,
    );
    const elsewhere = PriceAlertView.parse(
      (await create(watcher.apiKey, { symbol: 'VALE3', condition: 'at_or_above', price: '1.00' })).body,
    );
    const others = PriceAlertView.parse(
      (await create(other.apiKey, { symbol: 'ITUB4', condition: 'at_or_above', price: '34.00' })).body,
    );

    const alertsOf = (events: SseEvent[]) => events.filter((event) => event.event === 'alerts');
    const stream = readStream(`${base}/api/stream/me`, {
      headers: { authorization: `Bearer ${watcher.apiKey}` },
      sentFirst: (events) => alertsOf(events).length >= 1,
      done: (events) => alertsOf(events).length >= 2,
    });
    await stream.opened;
    // Two trades in one go: 34.40 then 34.60. Each alert goes off at the first of them at or beyond its price: the
    // watcher's at 34.50 or above at 34.60; the other account's at 34.00 or above at 34.40.
    const place = (token: string, side: 'buy' | 'sell', price: string, quantity: string) =>
      api.request('POST', '/api/orders', {
        token,
        body: { symbol: 'ITUB4', side, type: 'limit', price, quantity },
      });
    expect((await place(seller.apiKey, 'sell', '34.40', '5')).status).toBe(202);
    expect((await place(seller.apiKey, 'sell', '34.60', '5')).status).toBe(202);
    expect((await place(buyer.apiKey, 'buy', '34.60', '10')).status).toBe(202);

    const { events } = await stream;
    const [initial, setOff] = alertsOf(events).map((event) => AlertList.parse(event.data));
    expect(initial!.map((alert) => alert.id).sort()).toEqual([above.body, tooHigh, below, elsewhere].map(idOf).sort());
    const fired = setOff!.find((alert) => alert.id === idOf(above.body))!;
    expect(fired).toMatchObject({ triggerPrice: '34.60' });
    // When the trade that set it off was executed, as the exchange's tape says.
    const tape = z
      .array(z.object({ price: z.string(), executedAt: z.string() }))
      .parse((await api.request('GET', '/api/markets/ITUB4/trades')).body);
    expect(fired.triggeredAt).toBe(tape.find((trade) => trade.price === '34.60')!.executedAt);
    // Waiting ones first, then the one set off.
    expect(setOff!.map((alert) => alert.id).at(-1)).toBe(fired.id);
    expect(setOff!.filter((alert) => alert.triggeredAt !== null)).toHaveLength(1);

    // The other account's alert went off too, in its own list, which the watcher never saw.
    await until(async () => (await list(other.apiKey))[0]?.triggeredAt !== null);
    expect((await list(other.apiKey))[0]).toMatchObject({ id: others.id, triggerPrice: '34.40' });
    expect(setOff!.map((alert) => alert.id)).not.toContain(others.id);

    // A later trade below 34.00 sets off the at-or-below one; the one set off before does not go off again.
    const triggeredAt = fired.triggeredAt;
    expect((await place(seller.apiKey, 'sell', '33.90', '1')).status).toBe(202);
    expect((await place(buyer.apiKey, 'buy', '33.90', '1')).status).toBe(202);
    await until(async () => (await list(watcher.apiKey)).find((alert) => alert.id === below.id)?.triggeredAt !== null);
    const after = await list(watcher.apiKey);
    expect(after.find((alert) => alert.id === below.id)).toMatchObject({ triggerPrice: '33.90' });
    expect(after.find((alert) => alert.id === fired.id)).toMatchObject({ triggeredAt, triggerPrice: '34.60' });
    expect(after.find((alert) => alert.id === tooHigh.id)).toMatchObject({ triggeredAt: null });
    expect(after.find((alert) => alert.id === elsewhere.id)).toMatchObject({ triggeredAt: null });
    // Above 34.50 again: a new alert at 34.70 goes off, the one set off at 34.60 stays as it was.
    const again = PriceAlertView.parse(
      (await create(watcher.apiKey, { symbol: 'ITUB4', condition: 'at_or_above', price: '34.70' })).body,
    );
    expect((await place(seller.apiKey, 'sell', '34.70', '1')).status).toBe(202);
    expect((await place(buyer.apiKey, 'buy', '34.70', '1')).status).toBe(202);
    await until(async () => (await list(watcher.apiKey)).find((alert) => alert.id === again.id)?.triggeredAt !== null);
    expect((await list(watcher.apiKey)).find((alert) => alert.id === fired.id)).toMatchObject({
      triggeredAt,
      triggerPrice: '34.60',
    });

    // Deleted by their owner, set off or not; another account's is not found, as an unknown one is.
    expect((await api.request('DELETE', `/api/alerts/${fired.id}`, { token: watcher.apiKey })).status).toBe(204);
    expect((await api.request('DELETE', `/api/alerts/${others.id}`, { token: watcher.apiKey })).status).toBe(404);
    expect((await api.request('DELETE', `/api/alerts/${fired.id}`, { token: watcher.apiKey })).status).toBe(404);
    expect((await api.request('DELETE', '/api/alerts/not-an-id', { token: watcher.apiKey })).status).toBe(404);
    expect((await list(watcher.apiKey)).map((alert) => alert.id)).not.toContain(fired.id);
    expect((await list(other.apiKey)).map((alert) => alert.id)).toEqual([others.id]);
  });

  it('refuse what they cannot be, name the field, and keep an account to its number waiting', async () => {
    const api = exchange();
    const trader = await newTrader(api, 'alert-refused');
    const create = (body: unknown) => api.request('POST', '/api/alerts', { token: trader.apiKey, body });
    const refusals: [unknown, number, string, string][] = [
      [{ symbol: 'ITUB4', condition: 'at_or_above', price: '34.505' }, 400, 'price', 'too_precise'],
      [{ symbol: 'ITUB4', condition: 'at_or_above', price: '-1' }, 400, 'price', 'negative'],
      [{ symbol: 'ITUB4', condition: 'at_or_above', price: 34 }, 400, 'price', 'invalid_type'],
      [{ symbol: 'ITUB4', condition: 'sideways', price: '34.00' }, 400, 'condition', 'invalid_value'],
      [{ symbol: 'ITUB4', price: '34.00' }, 400, 'condition', 'invalid_value'],
      [{ symbol: 'ITUB4', condition: 'at_or_below', price: '34.00', note: 'x' }, 400, 'note', 'unrecognized_keys'],
      [{ symbol: 'NOPE3', condition: 'at_or_below', price: '34.00' }, 404, 'symbol', 'unknown_symbol'],
    ];
    for (const [body, status, field, code] of refusals) {
      const refused = await create(body);
      expect(refused.status, JSON.stringify(body)).toBe(status);
      expect(refused.body, JSON.stringify(body)).toMatchObject({ details: { fields: [{ field, code }] } });
    }
    expect((await api.request('POST', '/api/alerts', { body: { symbol: 'ITUB4' } })).status).toBe(401);
    expect((await api.request('GET', '/api/alerts')).status).toBe(401);

    const made = await Promise.all(
      Array.from({ length: MAX_ACTIVE_PRICE_ALERTS + 3 }, (_, i) =>
        create({ symbol: 'BBDC4', condition: 'at_or_above', price: `${20 + i}.00` }),
      ),
    );
    expect(made.filter((answer) => answer.status === 201)).toHaveLength(MAX_ACTIVE_PRICE_ALERTS);
    const over = made.filter((answer) => answer.status !== 201);
    expect(over.map((answer) => answer.status)).toEqual([409, 409, 409]);
    expect(over[0]!.body).toMatchObject({ code: 'too_many_alerts', details: { limit: MAX_ACTIVE_PRICE_ALERTS } });
    // One deleted, one more fits.
    const first = PriceAlertView.parse(made.find((answer) => answer.status === 201)!.body);
    await api.request('DELETE', `/api/alerts/${first.id}`, { token: trader.apiKey });
    expect((await create({ symbol: 'BBDC4', condition: 'at_or_below', price: '10.00' })).status).toBe(201);
  });

  it('stop an account that creates and deletes them past its changes a minute, and only that account', async () => {
    const api = exchange();
    const [looper, bystander] = [await newTrader(api, 'alert-looper'), await newTrader(api, 'alert-bystander')];
    const create = (token: string, price: string) =>
      api.request('POST', '/api/alerts', { token, body: { symbol: 'ABEV3', condition: 'at_or_above', price } });
    const remove = (id: string) => api.request('DELETE', `/api/alerts/${id}`, { token: looper.apiKey });
    const list = async () => AlertList.parse((await api.request('GET', '/api/alerts', { token: looper.apiKey })).body);

    // Refusals of bad input are not counted: they cost nothing.
    for (let i = 0; i < 5; i++) expect((await create(looper.apiKey, '1.001')).status).toBe(400);
    expect((await remove('not-an-id')).status).toBe(404);
    const kept = await create(looper.apiKey, '20.00');
    expect(kept.status).toBe(201);
    // The rest of the minute's changes, a creation and its deletion in turn.
    let made: string | null = null;
    for (let change = 1; change < MAX_PRICE_ALERT_CHANGES_PER_MINUTE; change++) {
      if (made === null) {
        const answer = await create(looper.apiKey, '20.50');
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        made = idOf(answer.body);
      } else {
        expect((await remove(made)).status).toBe(204);
        made = null;
      }
    }
    const waiting = await list();
    expect(waiting.map((alert) => alert.id).sort()).toEqual([idOf(kept.body), ...(made === null ? [] : [made])].sort());

    const refused = await create(looper.apiKey, '21.00');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      code: 'rate_limited',
      details: { limitPerMinute: MAX_PRICE_ALERT_CHANGES_PER_MINUTE },
    });
    const wait = (refused.body as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(refused.headers['retry-after']).toBe(String(wait));
    expect((await remove(waiting[0]!.id)).status).toBe(429);
    // Neither refusal changed anything; another account is not held back.
    expect(await list()).toEqual(waiting);
    expect((await create(bystander.apiKey, '21.00')).status).toBe(201);
  });
});

function idOf(alert: unknown): string {
  return PriceAlertView.parse(alert).id;
}
