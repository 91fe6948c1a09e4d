import {
  AmendRejectedView,
  ApiErrorBody,
  FillView,
  LevelDeltaView,
  OrderEventView,
  StopTriggeredView,
  TickerView,
  TradeView,
} from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInTestEngine } from './engine-in-test.js';
import {
  newAdmin,
  newTrader,
  readStream,
  startSiblingApi,
  startTestApi,
  type SseEvent,
  type TestApi,
  until,
} from './support.js';

let api: TestApi;
let base: string;
let engine: Awaited<ReturnType<typeof startInTestEngine>>;

beforeAll(async () => {
  // Keep-alive comments often enough to see one (readStream skips comments, so the other tests do not mind).
  api = await startTestApi({ SSE_HEARTBEAT_MS: '200' });
  base = await api.listen();
  engine = await startInTestEngine(api.broker.bootstrap);
});

afterAll(async () => {
  await engine.stop();
  await api.stop();
});

async function order(token: string, body: Record<string, string>): Promise<string> {
  const response = await api.request('POST', '/api/orders', { token, body });
  expect(response.status).toBe(202);
  return (response.body as { orderId: string }).orderId;
}

/** Two new traders trade `quantity` at `price`: a resting sell, then a buy that takes it. */
async function cross(symbol: string, price: string, quantity: string): Promise<void> {
  const seller = await newTrader(api, `${symbol}-seller`);
  const buyer = await newTrader(api, `${symbol}-buyer`);
  await order(seller.apiKey, { symbol, side: 'sell', type: 'limit', price, quantity });
  await order(buyer.apiKey, { symbol, side: 'buy', type: 'limit', price, quantity });
}

const ofType = (events: SseEvent[], type: string) => events.filter((event) => event.event === type);
const metricsText = async () => (await fetch(`${base}/metrics`)).text();

describe('the market stream', () => {
  it('streams trades, level deltas and the ticker live, and resumes after Last-Event-ID without a gap', async () => {
    const seller = await newTrader(api, 'seller');
    const buyer = await newTrader(api, 'buyer');
    const live = readStream(`${base}/api/stream/markets/PETR4`, {
      done: (events) => ofType(events, 'ticker').length >= 1,
    });
    await live.opened;
    await order(seller.apiKey, { symbol: 'PETR4', side: 'sell', type: 'limit', price: '35.00', quantity: '10' });
    await order(buyer.apiKey, { symbol: 'PETR4', side: 'buy', type: 'limit', price: '35.00', quantity: '3' });
    const first = await live;
    expect(first.status).toBe(200);
    const trades = ofType(first.events, 'trade').map((event) => TradeView.parse(event.data));
    expect(trades.map((trade) => [trade.price, trade.quantity, trade.aggressorSide])).toEqual([['35.00', '3', 'buy']]);
    const levels = ofType(first.events, 'level').map((event) => LevelDeltaView.parse(event.data));
    expect(levels.map((level) => [level.side, level.price, level.quantity])).toEqual([
      ['sell', '35.00', '10'],
      ['sell', '35.00', '7'],
    ]);
    expect(TickerView.parse(ofType(first.events, 'ticker')[0]!.data)).toMatchObject({ last: '35.00', volume: '3' });

    const ids = first.events.filter((event) => event.id !== undefined).map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    // Reconnect as if the connection dropped after the first event: the rest comes back, once each, in order.
    const resumed = await readStream(`${base}/api/stream/markets/PETR4`, {
      headers: { 'last-event-id': String(ids[0]) },
      done: (events) => events.filter((event) => event.id !== undefined).length >= ids.length - 1,
    });
    expect(resumed.events.filter((event) => event.id !== undefined).map((event) => Number(event.id))).toEqual(
      ids.slice(1),
    );
    // A client that had to open a new EventSource (no header then) says where it was in the query; the header wins.
    const reopened = await readStream(`${base}/api/stream/markets/PETR4?lastEventId=${ids[1]}`, {
      done: (events) => events.filter((event) => event.id !== undefined).length >= ids.length - 2,
    });
    expect(reopened.events.filter((event) => event.id !== undefined).map((event) => Number(event.id))).toEqual(
      ids.slice(2),
    );
    const both = await readStream(`${base}/api/stream/markets/PETR4?lastEventId=${ids[1]}`, {
      headers: { 'last-event-id': String(ids[0]) },
      done: (events) => events.filter((event) => event.id !== undefined).length >= ids.length - 1,
    });
    expect(both.events.filter((event) => event.id !== undefined).map((event) => Number(event.id))).toEqual(
      ids.slice(1),
    );
    // An id this database never gave (a browser tab from before a reset) is told to start over, not left waiting.
    const foreign = await readStream(`${base}/api/stream/markets/PETR4`, {
      headers: { 'last-event-id': '999999999' },
      done: (events) => ofType(events, 'resync').length === 1,
    });
    const [resync] = ofType(foreign.events, 'resync');
    // The newest stored event of any stream: the client goes on from there.
    expect(resync!.data).toEqual({ reason: 'unknown_event_id', newestId: Number(resync!.id) });
    expect(Number(resync!.id)).toBeGreaterThanOrEqual(ids.at(-1)!);
    expect(await metricsText()).toMatch(/^api_sse_resyncs_total\{stream="market"\} 1$/m);
  });

  it('brings the ticker up to the last trade of a burst', async () => {
    const seller = await newTrader(api, 'burst-seller');
    const buyer = await newTrader(api, 'burst-buyer');
    await order(seller.apiKey, { symbol: 'VALE3', side: 'sell', type: 'limit', price: '61.00', quantity: '5' });
    await order(seller.apiKey, { symbol: 'VALE3', side: 'sell', type: 'limit', price: '61.50', quantity: '5' });
    const lastTicker = (events: SseEvent[]) => TickerView.parse(ofType(events, 'ticker').at(-1)?.data ?? {}).last;
    const live = readStream(`${base}/api/stream/markets/VALE3`, {
      done: (events) => ofType(events, 'ticker').length > 0 && lastTicker(events) === '61.50',
    });
    await live.opened;
    // Two trades well within a second: the ticker sent after the first must be followed by one after the second.
    await order(buyer.apiKey, { symbol: 'VALE3', side: 'buy', type: 'limit', price: '61.00', quantity: '5' });
    await order(buyer.apiKey, { symbol: 'VALE3', side: 'buy', type: 'limit', price: '61.50', quantity: '5' });
    const { events } = await live;
    expect(ofType(events, 'trade').map((event) => TradeView.parse(event.data).price)).toEqual(['61.00', '61.50']);
    expect(lastTicker(events)).toBe('61.50');
  });

  it("sends every instrument's ticker at once, then each instrument's after its trades", async () => {
    const abev = (events: SseEvent[]) =>
      ofType(events, 'ticker')
        .map((event) => TickerView.parse(event.data))
        .filter((ticker) => ticker.symbol === 'ABEV3');
    // The trade goes in once the stream has sent every instrument's ticker, so its first ABEV3 is the one before it.
    const live = readStream(`${base}/api/stream/tickers`, {
      sentFirst: (events) => ofType(events, 'ticker').length >= 5,
      done: (events) => abev(events).some((ticker) => ticker.last === '13.10'),
    });
    await live.opened;
    await cross('ABEV3', '13.10', '4');
    const { status, events } = await live;
    expect(status).toBe(200);
    const symbols = ofType(events, 'ticker').map((event) => TickerView.parse(event.data).symbol);
    expect(symbols.slice(0, 5)).toEqual(['PETR4', 'VALE3', 'ITUB4', 'BBDC4', 'ABEV3']);
    expect(abev(events).map((ticker) => [ticker.last, ticker.volume])).toEqual([
      [null, '0'],
      ['13.10', '4'],
    ]);
    expect(events.every((event) => event.id === undefined)).toBe(true);
  });

  it('answers an unknown symbol with 404 before streaming', async () => {
    const response = await fetch(`${base}/api/stream/markets/XPTO3`);
    expect(response.status).toBe(404);
    expect(ApiErrorBody.parse(await response.json()).code).toBe('unknown_symbol');
  });
});

describe('the order stream', () => {
  it('shows a trader their own orders and fills, and nobody else’s', async () => {
    const alice = await newTrader(api, 'alice');
    const bob = await newTrader(api, 'bob');
    const aliceStream = readStream(`${base}/api/stream/orders`, {
      headers: { authorization: `Bearer ${alice.apiKey}` },
      done: (events) => ofType(events, 'fill').length >= 1 && ofType(events, 'order').length >= 2,
    });
    const bobStream = readStream(`${base}/api/stream/orders`, {
      headers: { authorization: `Bearer ${bob.apiKey}` },
      done: (events) => ofType(events, 'fill').length >= 1,
    });
    await Promise.all([aliceStream.opened, bobStream.opened]);
    const aliceOrder = await order(alice.apiKey, {
      symbol: 'ITUB4',
      side: 'sell',
      type: 'limit',
      price: '30.00',
      quantity: '5',
    });
    const bobOrder = await order(bob.apiKey, { symbol: 'ITUB4', side: 'buy', type: 'market', quantity: '5' });
    const [mine, theirs] = await Promise.all([aliceStream, bobStream]);
    const aliceFills = ofType(mine.events, 'fill').map((event) => FillView.parse(event.data));
    expect(aliceFills).toEqual([
      expect.objectContaining({ orderId: aliceOrder, side: 'sell', role: 'maker', quantity: '5' }),
    ]);
    const aliceOrders = ofType(mine.events, 'order').map((event) => OrderEventView.parse(event.data));
    expect(aliceOrders.every((entry) => entry.orderId === aliceOrder)).toBe(true);
    expect(aliceOrders.map((entry) => [entry.change, entry.status])).toEqual([
      ['order_accepted', 'open'],
      ['order_filled', 'filled'],
    ]);
    const bobFills = ofType(theirs.events, 'fill').map((event) => FillView.parse(event.data));
    expect(bobFills).toEqual([expect.objectContaining({ orderId: bobOrder, side: 'buy', role: 'taker' })]);
    expect(JSON.stringify(theirs.events)).not.toContain(aliceOrder);
  });

  it('tells a trader when their stop order fires, and nobody else', async () => {
    const stopper = await newTrader(api, 'stopper');
    const buyer = await newTrader(api, 'stop-buyer');
    const seller = await newTrader(api, 'stop-seller');
    const stopperStream = readStream(`${base}/api/stream/orders`, {
      headers: { authorization: `Bearer ${stopper.apiKey}` },
      done: (events) => ofType(events, 'stop').length >= 1 && ofType(events, 'fill').length >= 1,
    });
    const buyerStream = readStream(`${base}/api/stream/orders`, {
      headers: { authorization: `Bearer ${buyer.apiKey}` },
      done: (events) => ofType(events, 'fill').length >= 2,
    });
    await Promise.all([stopperStream.opened, buyerStream.opened]);
    const stop = await order(stopper.apiKey, {
      symbol: 'BBDC4',
      side: 'sell',
      type: 'stop_market',
      stopPrice: '14.00',
      quantity: '2',
    });
    await order(buyer.apiKey, { symbol: 'BBDC4', side: 'buy', type: 'limit', price: '14.00', quantity: '5' });
    // A trade at 14.00 fires the stop, which sells into what is left of the bid.
    await order(seller.apiKey, { symbol: 'BBDC4', side: 'sell', type: 'limit', price: '14.00', quantity: '1' });
    const [mine, theirs] = await Promise.all([stopperStream, buyerStream]);
    expect(ofType(mine.events, 'stop').map((event) => StopTriggeredView.parse(event.data))).toEqual([
      expect.objectContaining({ orderId: stop, symbol: 'BBDC4', stopPrice: '14.00', lastTradePrice: '14.00' }),
    ]);
    expect(ofType(mine.events, 'fill').map((event) => FillView.parse(event.data))).toEqual([
      expect.objectContaining({ orderId: stop, side: 'sell', price: '14.00', quantity: '2' }),
    ]);
    expect(ofType(theirs.events, 'stop')).toEqual([]);
  });

  it('tells a trader when the engine refuses their amend: the order filled while the amend was on its way', async () => {
    const seller = await newTrader(api, 'amend-late-seller');
    const buyer = await newTrader(api, 'amend-late-buyer');
    const stream = readStream(`${base}/api/stream/orders`, {
      headers: { authorization: `Bearer ${seller.apiKey}` },
      done: (events) => ofType(events, 'amend_rejected').length >= 1,
    });
    await stream.opened;
    const sell = await order(seller.apiKey, {
      symbol: 'ABEV3',
      side: 'sell',
      type: 'limit',
      price: '13.00',
      quantity: '10',
    });
    const status = async () => (await api.request('GET', `/api/orders/${sell}`, { token: seller.apiKey })).body;
    await until(async () => ((await status()) as { status: string }).status === 'open');
    // The engine takes the buy that fills the order before the amend, which the API accepted while it was open.
    engine.pause();
    try {
      await order(buyer.apiKey, { symbol: 'ABEV3', side: 'buy', type: 'limit', price: '13.00', quantity: '10' });
      const amend = await api.request('PATCH', `/api/orders/${sell}`, {
        token: seller.apiKey,
        body: { quantity: '5' },
      });
      expect(amend.status).toBe(202);
    } finally {
      engine.resume();
    }
    const { events } = await stream;
    expect(ofType(events, 'order').map((event) => OrderEventView.parse(event.data).change)).toEqual([
      'order_accepted',
      'order_filled',
    ]);
    expect(ofType(events, 'amend_rejected').map((event) => AmendRejectedView.parse(event.data))).toEqual([
      {
        orderId: sell,
        symbol: 'ABEV3',
        sequence: expect.any(Number),
        reason: 'unknown_order',
        message: 'no live order with this id',
      },
    ]);
    expect(await status()).toMatchObject({ status: 'filled', quantity: '10', filledQuantity: '10' });
    const wallet = (await api.request('GET', '/api/me/wallet', { token: seller.apiKey })).body as {
      positions: { symbol: string; available: string; held: string }[];
    };
    expect(wallet.positions.find((position) => position.symbol === 'ABEV3')).toMatchObject({
      available: '990',
      held: '0',
    });
  });

  it('requires an API key for the order and trade streams', async () => {
    for (const path of ['/api/stream/orders', '/api/stream/trades']) {
      const response = await fetch(`${base}${path}`);
      expect([path, response.status]).toEqual([path, 401]);
    }
  });
});

describe('the all-trades stream', () => {
  it('carries every trade on the exchange to an admin', async () => {
    const watcher = await newAdmin(api);
    const stream = readStream(`${base}/api/stream/trades`, {
      headers: { authorization: `Bearer ${watcher.apiKey}` },
      done: (events) => ofType(events, 'trade').some((event) => (event.data as { symbol: string }).symbol === 'BBDC4'),
    });
    await stream.opened;
    await cross('BBDC4', '15.00', '2');
    const { events } = await stream;
    expect(
      ofType(events, 'trade')
        .map((event) => TradeView.parse(event.data))
        .filter((t) => t.symbol === 'BBDC4'),
    ).toHaveLength(1);
  });
});

describe('a process that serves HTTP but does not ingest', () => {
  it('feeds its streams by tailing what the ingesting process stored', async () => {
    const reader = await startSiblingApi(api, { EVENTS_CONSUMER: 'off' });
    try {
      const stream = readStream(`${reader.url}/api/stream/markets/ABEV3`, {
        done: (events) => ofType(events, 'trade').length >= 1,
      });
      await stream.opened;
      await cross('ABEV3', '12.00', '4');
      const { events } = await stream;
      expect(ofType(events, 'trade').map((event) => TradeView.parse(event.data).price)).toEqual(['12.00']);
      expect(ofType(events, 'level').length).toBeGreaterThan(0);
    } finally {
      await reader.stop();
    }
  });
});

describe('a quiet stream', () => {
  it('sends a keep-alive comment every SSE_HEARTBEAT_MS', async () => {
    const abort = new AbortController();
    const response = await fetch(`${base}/api/stream/tickers`, { signal: abort.signal });
    const decoder = new TextDecoder();
    let text = '';
    try {
      for await (const chunk of response.body!) {
        text += decoder.decode(chunk, { stream: true });
        if ((text.match(/^: keep-alive$/gm) ?? []).length >= 2) break;
      }
    } finally {
      abort.abort();
    }
    expect(text.match(/^: keep-alive$/gm)).toHaveLength(2);
  });

  it('is counted in api_sse_clients while it is open', async () => {
    const clients = async () => {
      const metrics = await metricsText();
      return Number(/^api_sse_clients\{stream="tickers"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
    };
    // The suite's earlier streams have all hung up; the server notices soon after.
    await expect.poll(clients).toBe(0);
    let hangUp = false;
    // Keep-alives arrive every 200 ms, so `done` is asked again soon after hangUp is set.
    const stream = readStream(`${base}/api/stream/tickers`, { done: () => hangUp });
    await stream.opened;
    expect(await clients()).toBe(1);
    hangUp = true;
    await stream;
    await expect.poll(clients).toBe(0);
  });
});

describe('the engine events consumer', () => {
  it('reports what it stored and how far behind each partition it is', async () => {
    const stream = readStream(`${base}/api/stream/markets/ITUB4`, {
      done: (events) => ofType(events, 'trade').length >= 1,
    });
    await stream.opened;
    await cross('ITUB4', '33.00', '3');
    expect(ofType((await stream).events, 'trade')).toHaveLength(1);
    const metrics = await metricsText();
    expect(Number(/^api_engine_events_ingested_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    const lags = [...metrics.matchAll(/^api_engine_events_lag\{partition="(\d)"\} (\d+)$/gm)];
    expect(lags.length).toBeGreaterThan(0);
    expect(lags.map((lag) => Number(lag[2]))).toEqual(lags.map(() => 0));
  });
});
