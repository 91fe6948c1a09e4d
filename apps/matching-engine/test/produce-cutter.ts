import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a broker that, while armed, cuts the connection carrying a Produce request from one
 * Kafka client id instead of passing it on: the producer sees the connection drop before the broker saw the
 * request. Everything else passes untouched.
 */
export class ProduceCutter {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private cutsLeft = 0;
  cuts = 0;

  /** The broker's own port, once it has started (it must advertise this proxy's port). */
  brokerPort = 0;

  constructor(private readonly clientId: string) {}

  /** Listens on a free loopback port and returns it. */
  async listen(): Promise<number> {
    const server = createServer((client) => this.proxy(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /** Cuts the next `count` Produce requests of the client. */
  arm(count: number): void {
    this.cutsLeft = count;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private proxy(client: Socket): void {
    const upstream = connect(this.brokerPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    upstream.pipe(client);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // Kafka frames: int32 size, then the request header (int16 api key, int16 version, int32 correlation id,
      // nullable string client id).
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(0, 4 + pending.readInt32BE(0));
        pending = pending.subarray(frame.length);
        const apiKey = frame.readInt16BE(4);
        const idLength = frame.readInt16BE(12);
        const clientId = idLength < 0 ? '' : frame.toString('utf8', 14, 14 + idLength);
        if (apiKey === 0 && clientId === this.clientId && this.cutsLeft > 0) {
          this.cutsLeft--;
          this.cuts++;
          client.destroy();
          upstream.destroy();
          return;
        }
        upstream.write(frame);
      }
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
