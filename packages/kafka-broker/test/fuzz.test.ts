import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPORTED_VERSIONS, startBroker, type RunningBroker } from '../src/index.js';
import { client } from './helpers.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker({ maxFrameBytes: 1024 * 1024 });
});

afterAll(async () => {
  await broker.stop();
});

/**
 * Sends bytes on a fresh connection and waits until the broker answers and closes, or a short time passes;
 * says whether the broker closed the connection itself.
 */
function exchangeAndClose(bytes: Buffer, closeAfterSend: boolean): Promise<{ data: Buffer; closedByBroker: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(broker.port, '127.0.0.1');
    const received: Buffer[] = [];
    let closedByBroker = false;
    const finish = () => {
      socket.destroy();
      resolve({ data: Buffer.concat(received), closedByBroker });
    };
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('end', () => {
      closedByBroker = true;
      finish();
    });
    socket.on('close', finish);
    socket.on('error', finish);
    socket.on('connect', () => {
      socket.write(bytes);
      if (closeAfterSend) socket.end();
    });
    setTimeout(finish, 150);
  });
}

async function exchange(bytes: Buffer, closeAfterSend: boolean): Promise<Buffer> {
  return (await exchangeAndClose(bytes, closeAfterSend)).data;
}

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

function header(apiKey: number, version: number, correlationId: number): Buffer {
  const head = Buffer.alloc(10);
  head.writeInt16BE(apiKey, 0);
  head.writeInt16BE(version, 2);
  head.writeInt32BE(correlationId, 4);
  head.writeInt16BE(-1, 8);
  return head;
}

async function stillServes(): Promise<void> {
  const answer = await exchange(frame(header(18, 2, 4242)), false);
  expect(answer.readInt32BE(4)).toBe(4242);
  expect(answer.readInt16BE(8)).toBe(0);
  const admin = client(broker.bootstrap).admin();
  await admin.connect();
  await admin.listTopics();
  await admin.disconnect();
}

const apis = [...SUPPORTED_VERSIONS].flatMap(([key, [min, max]]) =>
  Array.from({ length: max - min + 1 }, (_, i) => [key, min + i] as const),
);

describe('bad input never crashes or stalls the broker', () => {
  it('survives random frames, truncated frames and random bodies for every API and version', async () => {
    const stalled: Socket = connect(broker.port, '127.0.0.1');
    stalled.write(Buffer.from([0, 0, 1])); // half a size prefix, then silence
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ bytes: Buffer.from(bytes), close: true })),
          fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ bytes: frame(Buffer.from(bytes)), close: false })),
          fc
            .tuple(
              fc.constantFrom(...apis),
              fc.integer({ min: 0, max: 2 ** 31 - 1 }),
              fc.uint8Array({ maxLength: 120 }),
            )
            .map(([[key, version], correlationId, body]) => ({
              bytes: frame(Buffer.concat([header(key, version, correlationId), Buffer.from(body)])),
              close: false,
            })),
          fc
            .tuple(fc.constantFrom(...apis), fc.uint8Array({ maxLength: 60 }), fc.integer({ min: 1, max: 40 }))
            .map(([[key, version], body, cut]) => {
              const whole = frame(Buffer.concat([header(key, version, 7), Buffer.from(body)]));
              return { bytes: whole.subarray(0, Math.max(1, whole.length - cut)), close: true };
            }),
          fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((size) => {
            const bytes = Buffer.alloc(8);
            bytes.writeInt32BE(size);
            return { bytes, close: false };
          }),
          fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: -5, max: 20 })).map(([key, version]) => ({
            bytes: frame(header(key, version, 1)),
            close: false,
          })),
        ),
        async ({ bytes, close }) => {
          await exchange(bytes, close);
        },
      ),
      { numRuns: 400 },
    );
    await stillServes();
    stalled.destroy();
  });

  it('answers an ApiVersions it cannot parse (flexible v3) with UNSUPPORTED_VERSION in v0 form', async () => {
    const answer = await exchange(frame(Buffer.concat([header(18, 3, 99), Buffer.from([0, 0, 0])])), false);
    expect(answer.readInt32BE(4)).toBe(99);
    expect(answer.readInt16BE(8)).toBe(35);
    expect(answer.readInt32BE(10)).toBe(SUPPORTED_VERSIONS.size);
  });

  it('closes the connection on an unknown API, a frame above the limit, or an unsupported version', async () => {
    for (const bytes of [frame(header(999, 0, 1)), frame(header(0, 0, 1)), Buffer.from([0x7f, 0, 0, 0, 1, 2, 3, 4])]) {
      const { data, closedByBroker } = await exchangeAndClose(bytes, false);
      expect(data.length).toBe(0);
      expect(closedByBroker).toBe(true);
    }
    await stillServes();
  });
});
