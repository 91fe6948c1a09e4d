import { connect, createServer, type Server, type Socket } from 'node:net';
import { ApiKey } from '../protocol/apis.js';

/** The requests a FaultProxy can refuse: it knows how to write their responses. */
export type RefusableRequest = typeof ApiKey.Produce | typeof ApiKey.Heartbeat;

/**
 * A TCP proxy in front of a broker, for tests of how clients live through Kafka faults. While armed, it stops
 * requests of one kind from one Kafka client id before the broker sees them: it cuts the connection (`cut`: the
 * client sees a network error and retries), or answers with an error code (`refuse`: for Produce, one for every
 * partition the request named); or it lets one through and cuts the connection before its answer comes back
 * (`loseAnswers`: the broker did it, the client cannot tell). Everything else passes untouched. Start the broker advertising this proxy's port,
 * so clients keep coming back through it.
 */
export class FaultProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private cutsLeft = 0;
  private cutKind: number = ApiKey.Produce;
  private refusalsLeft = 0;
  private refusalKind: RefusableRequest = ApiKey.Produce;
  private refusalCode = 0;
  private lossesLeft = 0;
  private lossKind: number = ApiKey.Produce;
  cuts = 0;
  refusals = 0;
  losses = 0;

  /** The broker's own port, once it has started. */
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

  /** Cuts the connection under the client's next `count` requests of this kind (an ApiKey). */
  cut(kind: number, count: number): void {
    this.cutKind = kind;
    this.cutsLeft = count;
  }

  /** Answers the client's next `count` requests of this kind with `errorCode`. */
  refuse(kind: RefusableRequest, count: number, errorCode: number): void {
    this.refusalKind = kind;
    this.refusalsLeft = count;
    this.refusalCode = errorCode;
  }

  /** Lets the client's next `count` requests of this kind reach the broker, and cuts the connection under each answer. */
  loseAnswers(kind: number, count: number): void {
    this.lossKind = kind;
    this.lossesLeft = count;
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
        const fromClient = (idLength < 0 ? '' : frame.toString('utf8', 14, 14 + idLength)) === this.clientId;
        if (fromClient && apiKey === this.cutKind && this.cutsLeft > 0) {
          this.cutsLeft--;
          this.cuts++;
          client.destroy();
          upstream.destroy();
          return;
        }
        if (fromClient && apiKey === this.refusalKind && this.refusalsLeft > 0) {
          this.refusalsLeft--;
          this.refusals++;
          const bodyAt = 14 + Math.max(0, idLength);
          const refusal =
            this.refusalKind === ApiKey.Produce
              ? produceRefusal(frame, bodyAt, this.refusalCode)
              : heartbeatRefusal(frame, this.refusalCode);
          client.write(refusal);
          continue;
        }
        if (fromClient && apiKey === this.lossKind && this.lossesLeft > 0) {
          this.lossesLeft--;
          this.losses++;
          // The broker has handled the request once its answer starts to come: the connection goes then.
          upstream.unpipe(client);
          upstream.once('data', () => {
            client.destroy();
            upstream.destroy();
          });
          // Unpiped, the stream was paused: a listener alone would not start it again.
          upstream.resume();
          upstream.write(frame);
          return;
        }
        upstream.write(frame);
      }
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function framed(parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([int32(body.length), body]);
}

/** A Heartbeat response (versions 0 to 3, none of them flexible) carrying `errorCode`. */
function heartbeatRefusal(request: Buffer, errorCode: number): Buffer {
  const version = request.readInt16BE(6);
  const errorField = Buffer.alloc(2);
  errorField.writeInt16BE(errorCode);
  return framed([int32(request.readInt32BE(8)), ...(version >= 1 ? [int32(0)] : []), errorField]);
}

/**
 * A Produce response (versions 3 to 7, which kafkajs and the embedded broker speak) giving `errorCode` for every
 * partition the request named. `bodyAt` is where the request's body starts in its frame.
 */
function produceRefusal(request: Buffer, bodyAt: number, errorCode: number): Buffer {
  const version = request.readInt16BE(6);
  let at = bodyAt;
  const transactionalIdLength = request.readInt16BE(at);
  at += 2 + Math.max(0, transactionalIdLength) + 2 + 4;
  const parts: Buffer[] = [];
  const topics = request.readInt32BE(at);
  at += 4;
  parts.push(int32(request.readInt32BE(8)), int32(topics));
  for (let t = 0; t < topics; t++) {
    const nameLength = request.readInt16BE(at);
    parts.push(request.subarray(at, at + 2 + nameLength));
    at += 2 + nameLength;
    const partitions = request.readInt32BE(at);
    at += 4;
    parts.push(int32(partitions));
    for (let p = 0; p < partitions; p++) {
      const index = request.readInt32BE(at);
      at += 4 + 4 + request.readInt32BE(at + 4);
      const entry = Buffer.alloc(version >= 5 ? 30 : 22);
      entry.writeInt32BE(index, 0);
      entry.writeInt16BE(errorCode, 4);
      entry.writeBigInt64BE(-1n, 6);
      entry.writeBigInt64BE(-1n, 14);
      if (version >= 5) entry.writeBigInt64BE(-1n, 22);
      parts.push(entry);
    }
  }
  parts.push(int32(0));
  return framed(parts);
}
