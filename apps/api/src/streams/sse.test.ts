import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../events/event-ingestion.js';
import { parseLastEventId, serveStream, type SseMessage, type StreamEnd, type StreamLimits } from './sse.js';

const PADDING = 'x'.repeat(4000);

const stored = (id: number): StoredEvent => ({
  id,
  event: {
    schemaVersion: 1,
    commandId: '3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    timestamp: 1_763_700_000_000,
    symbol: 'PETR4',
    sequence: id,
    type: 'level_changed',
    side: 'buy',
    price: 3500,
    quantity: id,
    orderCount: 1,
  },
});

/** One stream's feeds, and what the server did with each connection. */
interface TestStream {
  readonly live: Subject<StoredEvent>;
  readonly extras: Subject<SseMessage>;
  readonly closes: StreamEnd[];
  /** Connections whose stream is set up (replayed, subscribed), counted as they get there. */
  opened: number;
  port: number;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

/** The limits these tests use, but for what a test sets. */
const limitsWith = (set: Partial<StreamLimits>): StreamLimits => ({
  heartbeatMs: 60_000,
  maxBufferedBytes: 64 * 1024,
  replayMaxEvents: 1000,
  ...set,
});

/**
 * A plain HTTP server serving one live stream (each event rendered ~4 KB) with these limits, `log` being the events
 * stored before it started.
 */
async function streamServer(
  limits: StreamLimits,
  log: readonly StoredEvent[] = [],
  options: { replayFails?: boolean; storedOnceRead?: StoredEvent } = {},
): Promise<TestStream> {
  const events = [...log];
  const stream: TestStream = { live: new Subject(), extras: new Subject(), closes: [], opened: 0, port: 0 };
  const server = createServer((request, response) => {
    void serveStream(
      response,
      {
        replay: (afterId, limit) =>
          options.replayFails
            ? Promise.reject(new Error('Connection terminated unexpectedly'))
            : Promise.resolve(events.filter((event) => event.id > afterId).slice(0, limit)),
        live: stream.live,
        accepts: () => true,
        render: ({ id }) => [{ id, event: 'level', data: { id, padding: PADDING } }],
        extras: stream.extras,
      },
      {
        after: parseLastEventId(request.headers['last-event-id']),
        newestId: () => {
          const newest = events.at(-1)?.id ?? 0;
          // Another process stores an event just after this read.
          if (options.storedOnceRead !== undefined && !events.includes(options.storedOnceRead))
            events.push(options.storedOnceRead);
          return Promise.resolve(newest);
        },
      },
      limits,
      (reason) => stream.closes.push(reason),
    ).then(() => stream.opened++);
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  stream.port = (server.address() as AddressInfo).port;
  return stream;
}

/** A client that reads everything as it comes, resuming after `lastEventId` when given. */
function reader(
  port: number,
  lastEventId?: number | string,
): { text: () => string; response: Promise<IncomingMessage> } {
  let text = '';
  const headers = lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) };
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', headers }, (message) => {
      message.setEncoding('utf8');
      message.on('data', (chunk: string) => (text += chunk));
      resolve(message);
    }).on('error', reject);
  });
  return { text: () => text, response };
}

/** A client that sends its request and never reads a byte of the answer. */
function stalledClient(port: number): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.pause();
  socket.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n');
  return socket;
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((done) => setTimeout(done, 5));
  }
}

/** The ids of the events in a stream's text (not the resume point a live start is given, which has no event). */
const idsIn = (text: string) => [...text.matchAll(/^id: (\d+)\nevent: /gm)].map((match) => Number(match[1]));

describe('a live stream', () => {
  it('cuts off a client that stops reading once its unsent data passes the limit, and the others get every event', async () => {
    const stream = await streamServer(limitsWith({}));
    const fast = reader(stream.port);
    const stalled = stalledClient(stream.port);
    await until(() => stream.opened === 2);

    // ~16 MB, more than the kernel buffers on loopback can take for the stalled client, paced so that a client that
    // reads keeps up.
    const events = 4000;
    for (let id = 1; id <= events; id++) {
      stream.live.next(stored(id));
      if (id % 4 === 0) await new Promise((done) => setImmediate(done));
    }
    await until(() => idsIn(fast.text()).length === events);

    expect(stream.closes).toEqual(['slow']);
    expect(idsIn(fast.text())).toEqual(Array.from({ length: events }, (_, i) => i + 1));
    // The stalled client's connection is gone; the reader's is still open and still fed.
    const stalledClosed = new Promise((done) => stalled.once('close', done));
    stalled.resume();
    await stalledClosed;
    stream.live.next(stored(events + 1));
    await until(() => idsIn(fast.text()).at(-1) === events + 1);
    expect((await fast.response).complete).toBe(false);
  });

  it('also cuts off a stalled client fed only by messages from outside the event log (wallet changes)', async () => {
    const stream = await streamServer(limitsWith({}));
    stalledClient(stream.port);
    await until(() => stream.opened === 1);
    for (let n = 0; n < 4000 && stream.closes.length === 0; n++) {
      stream.extras.next({ event: 'wallet', data: { n, padding: PADDING } });
      if (n % 4 === 0) await new Promise((done) => setImmediate(done));
    }
    await until(() => stream.closes.length === 1 && !stream.extras.observed);
    expect(stream.closes).toEqual(['slow']);
    expect(stream.live.observed).toBe(false);
  });

  it('sends a keep-alive comment while it has nothing else to say', async () => {
    const stream = await streamServer(limitsWith({ heartbeatMs: 50 }));
    const client = reader(stream.port);
    await until(() => (client.text().match(/^: keep-alive$/gm) ?? []).length >= 2);
    expect(client.text().startsWith('retry: 2000\n\n')).toBe(true);
    expect(stream.closes).toEqual([]);
  });

  it('gives a client starting live the newest id as where it stands, before any event, and sends only what is newer', async () => {
    const log = Array.from({ length: 30 }, (_, i) => stored(i + 1));
    const stream = await streamServer(limitsWith({}), log);
    const client = reader(stream.port);
    await until(() => stream.opened === 1);
    // One already stored but late to the live feed, then a new one.
    stream.live.next(stored(30));
    stream.live.next(stored(31));
    await until(() => idsIn(client.text()).length === 1);
    expect(client.text()).toMatch(/^retry: 2000\n\nid: 30\n\nid: 31\nevent: level\n/);
    expect(idsIn(client.text())).toEqual([31]);
  });

  it('sends a client starting live what was stored after it was told where it stands, before its live feed had it', async () => {
    const log = Array.from({ length: 30 }, (_, i) => stored(i + 1));
    const stream = await streamServer(limitsWith({}), log, { storedOnceRead: stored(31) });
    const client = reader(stream.port);
    await until(() => stream.opened === 1);
    await until(() => idsIn(client.text()).length === 1);
    expect(client.text()).toMatch(/^retry: 2000\n\nid: 30\n\nid: 31\nevent: level\n/);
  });

  it('lets go of its live feeds when the client goes away', async () => {
    const stream = await streamServer(limitsWith({ heartbeatMs: 20 }));
    const client = reader(stream.port);
    await until(() => stream.opened === 1);
    expect([stream.live.observed, stream.extras.observed]).toEqual([true, true]);
    (await client.response).destroy();
    await until(() => stream.closes.length === 1 && !stream.extras.observed);
    expect(stream.closes).toEqual(['client']);
    expect(stream.live.observed).toBe(false);
  });
});

describe('a resuming stream', () => {
  const log = Array.from({ length: 50 }, (_, i) => stored(i + 1));

  it('sends what the client missed when it is within reach, then goes live', async () => {
    const stream = await streamServer(limitsWith({ replayMaxEvents: 10 }), log);
    const client = reader(stream.port, 40);
    await until(() => stream.opened === 1);
    stream.live.next(stored(51));
    await until(() => idsIn(client.text()).at(-1) === 51);
    expect(idsIn(client.text())).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51]);
    expect(client.text()).not.toContain('resync');
  });

  it('closes the connection when what the client missed cannot be read, so that it reconnects and resumes then', async () => {
    const stream = await streamServer(limitsWith({ heartbeatMs: 20 }), log, { replayFails: true });
    const client = reader(stream.port, 40);
    const response = await client.response;
    // Left open, the client would get keep-alives and never an event, and never reconnect.
    await new Promise((done) => response.once('close', done));
    expect(stream.closes).toEqual(['failed']);
    expect(stream.live.observed).toBe(false);
    expect(idsIn(client.text())).toEqual([]);
  });

  it('tells a client further behind, or with an id the log never gave, to start over from the newest event', async () => {
    const stream = await streamServer(limitsWith({ replayMaxEvents: 10 }), log);
    const behind = reader(stream.port, 39);
    const unknown = reader(stream.port, 51);
    const notOurs = reader(stream.port, 'abc');
    await until(() => stream.opened === 3);
    stream.live.next(stored(51));
    const clients = [behind, unknown, notOurs];
    await until(() => clients.every((client) => idsIn(client.text()).at(-1) === 51));
    for (const [client, reason] of [
      [behind, 'too_far_behind'],
      [unknown, 'unknown_event_id'],
      [notOurs, 'unknown_event_id'],
    ] as const) {
      expect(idsIn(client.text())).toEqual([50, 51]);
      expect(client.text()).toContain(`id: 50\nevent: resync\ndata: {"reason":"${reason}","newestId":50}\n\n`);
    }
  });
});

describe('parseLastEventId', () => {
  it('takes a stream id, nothing when there is none, and reads anything else as beyond every id', () => {
    expect(parseLastEventId('42')).toBe(42);
    expect(parseLastEventId(['7', '8'])).toBe(7);
    expect(parseLastEventId(undefined)).toBeNull();
    expect(parseLastEventId('')).toBeNull();
    for (const header of ['abc', '-5', '1e5', '4.2', '9'.repeat(16), ' 5']) {
      expect(parseLastEventId(header)).toBe(Number.POSITIVE_INFINITY);
    }
  });
});
