import { execFile, spawnSync } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { onTestFinished } from 'vitest';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

export function client(bootstrap: string, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    brokers: [bootstrap],
    clientId: 'broker-tests',
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 50 },
    ...overrides,
  });
}

export const hasKcat = spawnSync('kcat', ['-V']).status === 0;

/** kcat (librdkafka) with stdin, so its producer mode can be fed lines. */
export function kcat(args: string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kcat ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
    child.stdin!.end(input);
  });
}

/** A directory of the current test's own, removed when the test ends. */
export function temporaryDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `bolsa-${name}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A TCP proxy in front of the broker that can lose a response on purpose: when `dropProduceResponses` is above
 * zero, the next Produce response is swallowed and the client's connection cut, as a network failure after the
 * broker appended would do. The client must then retry the same batch.
 */
export class LossyProxy {
  dropProduceResponses = 0;
  dropped = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  /** Where connections go; settable after `listen()`, since the broker must advertise the proxy's port. */
  target = { host: '127.0.0.1', port: 0 };

  constructor() {
    this.server = createServer((downstream) => this.pipe(downstream));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
    return this.port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private pipe(downstream: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    this.sockets.add(downstream).add(upstream);
    const produceRequests = new Set<number>();
    frames(downstream, (frame) => {
      if (frame.readInt16BE(4) === 0) produceRequests.add(frame.readInt32BE(8));
      upstream.write(frame);
    });
    frames(upstream, (frame) => {
      const correlationId = frame.readInt32BE(4);
      if (produceRequests.delete(correlationId) && this.dropProduceResponses > 0) {
        this.dropProduceResponses--;
        this.dropped++;
        downstream.destroy();
        upstream.destroy();
        return;
      }
      downstream.write(frame);
    });
    const end = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  }
}

/** Calls `onFrame` with each whole size-prefixed frame (size included). */
function frames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = pending.readInt32BE(0);
      onFrame(pending.subarray(0, 4 + size));
      pending = pending.subarray(4 + size);
    }
  });
}
