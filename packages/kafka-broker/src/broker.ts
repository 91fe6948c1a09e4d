import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { join } from 'node:path';
import type { BrokerContext, Handler, Request } from './context.js';
import { GroupCoordinator } from './groups/coordinator.js';
import {
  apiVersions,
  apiVersionsBody,
  createTopics,
  deleteTopics,
  initProducerId,
  metadata,
} from './handlers/admin.js';
import { fetch, listOffsets, produce } from './handlers/data.js';
import {
  describeGroups,
  findCoordinator,
  heartbeat,
  joinGroup,
  leaveGroup,
  listGroups,
  offsetCommit,
  offsetFetch,
  syncGroup,
} from './handlers/groups.js';
import { ApiKey, isSupported } from './protocol/apis.js';
import { ProtocolError, Reader, Writer } from './protocol/codec.js';
import { ErrorCode } from './protocol/errors.js';
import { allowedBeforeAuthentication, SaslSession, type SaslUsers } from './sasl.js';
import { OffsetStore } from './storage/offset-store.js';
import type { FsyncPolicy } from './storage/partition-log.js';
import { syncFile, type SyncFile } from './storage/sync-queue.js';
import { TopicStore, writeAtomically } from './storage/topic-store.js';

export interface BrokerOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** Interface to listen on; loopback by default. */
  readonly host?: string;
  /** Address clients are told to connect to, when it differs (a proxy, a container port mapping). */
  readonly advertisedHost?: string;
  readonly advertisedPort?: number;
  /** Null or absent: keep everything in memory. */
  readonly dataDir?: string | null;
  /** Partitions of auto-created topics. */
  readonly partitions?: number;
  readonly autoCreateTopics?: boolean;
  /** 'always' fsyncs every produce and commit before acknowledging it. */
  readonly fsync?: FsyncPolicy;
  /** How written bytes reach the disk with fsync 'always' (fdatasync); replaceable so a test can make the disk fail. */
  readonly syncFile?: SyncFile;
  readonly segmentBytes?: number;
  /**
   * How long records are kept, as Kafka's `retention.ms` (7 days by default there and here; null: for ever). Whole
   * segments go once their newest record is older, looked for every `retentionCheckMs` (5 minutes, as Kafka's
   * `log.retention.check.interval.ms`). Only with a data directory.
   */
  readonly retentionMs?: number | null;
  readonly retentionCheckMs?: number;
  readonly maxFrameBytes?: number;
  readonly minSessionTimeoutMs?: number;
  readonly maxSessionTimeoutMs?: number;
  /** Connections over TLS only, with this key and certificate (PEM), as a broker's SSL listener. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** Clients must authenticate with SASL/PLAIN as one of these users before anything else, as a SASL listener. */
  readonly saslUsers?: SaslUsers;
  readonly log?: (line: string) => void;
}

export interface RunningBroker {
  /** host:port, for a client's bootstrap servers. */
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** How long records are kept unless told otherwise: Kafka's own default (`log.retention.hours`), 7 days. */
export const DEFAULT_RETENTION_HOURS = 168;
const DEFAULT_RETENTION_MS = DEFAULT_RETENTION_HOURS * 60 * 60 * 1000;

const HANDLERS: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [ApiKey.ApiVersions, apiVersions],
  [ApiKey.Metadata, metadata],
  [ApiKey.CreateTopics, createTopics],
  [ApiKey.DeleteTopics, deleteTopics],
  [ApiKey.InitProducerId, initProducerId],
  [ApiKey.Produce, produce],
  [ApiKey.Fetch, fetch],
  [ApiKey.ListOffsets, listOffsets],
  [ApiKey.FindCoordinator, findCoordinator],
  [ApiKey.JoinGroup, joinGroup],
  [ApiKey.SyncGroup, syncGroup],
  [ApiKey.Heartbeat, heartbeat],
  [ApiKey.LeaveGroup, leaveGroup],
  [ApiKey.OffsetCommit, offsetCommit],
  [ApiKey.OffsetFetch, offsetFetch],
  [ApiKey.DescribeGroups, describeGroups],
  [ApiKey.ListGroups, listGroups],
]);

const PRODUCER_ID_BLOCK = 1000;

/** Hands out producer ids, persisting a block ahead so a restart never reuses one. */
function producerIds(dataDir: string | null, fsync: FsyncPolicy): () => number {
  const path = dataDir === null ? null : join(dataDir, 'producer-ids.json');
  let next =
    path !== null && existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { next: number }).next : 1000;
  let reserved = next;
  return () => {
    if (next >= reserved) {
      reserved = next + PRODUCER_ID_BLOCK;
      if (path !== null) writeAtomically(path, JSON.stringify({ next: reserved }), fsync === 'always');
    }
    return next++;
  };
}

/** One client connection: frames in, handled one at a time, responses out in request order. */
class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly frames: Buffer[] = [];
  private busy = false;
  private readonly sasl: SaslSession;
  private endAfterResponse = false;

  constructor(
    private readonly socket: Socket,
    private readonly context: BrokerContext,
    private readonly maxFrameBytes: number,
    saslUsers: SaslUsers | undefined,
    private readonly log: (line: string) => void,
  ) {
    this.sasl = new SaslSession(saslUsers);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
  }

  /** Buffers bytes until whole frames are in; joins chunks only when a size prefix or a whole frame needs it. */
  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      if (this.chunks[0]!.length < 4) this.chunks = [Buffer.concat(this.chunks)];
      const size = this.chunks[0]!.readInt32BE(0);
      if (size < 8 || size > this.maxFrameBytes) {
        this.close(`frame of ${size} bytes`);
        return;
      }
      if (this.buffered < size + 4) break;
      const head = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.frames.push(head.subarray(4, 4 + size));
      const rest = head.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let frame = this.frames.shift(); frame !== undefined; frame = this.frames.shift()) {
        if (this.socket.destroyed) return;
        const response = await this.handle(frame);
        if (response === null || this.socket.destroyed) continue;
        const parts = response.buffers();
        const length = parts.reduce((sum, part) => sum + part.length, 0);
        const header = Buffer.allocUnsafe(4);
        header.writeInt32BE(length, 0);
        this.socket.cork();
        this.socket.write(header);
        for (const part of parts) this.socket.write(part);
        this.socket.uncork();
        if (this.endAfterResponse) {
          this.log(`closing connection from ${this.socket.remoteAddress ?? '?'}: SASL refused`);
          this.socket.end();
          return;
        }
        if (this.socket.writableNeedDrain) await new Promise((resolve) => this.socket.once('drain', resolve));
      }
    } catch (error) {
      this.close(
        error instanceof ProtocolError ? `malformed request: ${error.message}` : `handler failed: ${String(error)}`,
      );
    } finally {
      this.busy = false;
    }
  }

  /** The whole response frame after its size (correlation id, body), or null for no response. */
  private async handle(frame: Buffer): Promise<Writer | null> {
    const reader = new Reader(frame);
    const apiKey = reader.int16();
    const version = reader.int16();
    const correlationId = reader.int32();
    if (apiKey === ApiKey.ApiVersions && !isSupported(apiKey, version)) {
      // A flexible ApiVersions (librdkafka asks v3 first): answer in v0 format so the client falls back.
      return this.frame(correlationId, apiVersionsBody(ErrorCode.UNSUPPORTED_VERSION, 0));
    }
    const clientId = reader.nullableString() ?? '';
    // The SASL requests change the connection's own state: the session answers them, not a shared handler.
    const sasl = apiKey === ApiKey.SaslHandshake || apiKey === ApiKey.SaslAuthenticate;
    const handler = sasl ? null : HANDLERS.get(apiKey);
    if (handler === undefined || !isSupported(apiKey, version)) {
      this.close(`unsupported api ${apiKey} v${version} from '${clientId}'`);
      return null;
    }
    if (!this.sasl.authenticated && !allowedBeforeAuthentication(apiKey)) {
      this.close(`api ${apiKey} from '${clientId}' before it authenticated`);
      return null;
    }
    const request: Request = {
      apiKey,
      version,
      correlationId,
      clientId,
      clientHost: this.socket.remoteAddress ?? '',
      body: reader,
    };
    if (handler === null) {
      const answer = this.sasl.answer(request);
      // A refusal goes out first; the connection closes once it is written.
      this.endAfterResponse = answer.close;
      return this.frame(correlationId, answer.response);
    }
    const body = await handler(this.context, request);
    return body === null ? null : this.frame(correlationId, body);
  }

  private frame(correlationId: number, body: Writer): Writer {
    const writer = new Writer().int32(correlationId);
    for (const part of body.buffers()) writer.raw(part);
    return writer;
  }

  close(reason: string): void {
    this.log(`closing connection from ${this.socket.remoteAddress ?? '?'}: ${reason}`);
    this.socket.destroy();
  }
}

export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const dataDir = options.dataDir ?? null;
  if (dataDir !== null) mkdirSync(dataDir, { recursive: true });
  const fsync = options.fsync ?? 'never';
  const log = options.log ?? (() => undefined);
  const sync = options.syncFile ?? syncFile;
  const topics = new TopicStore({
    dataDir,
    defaultPartitions: options.partitions ?? 3,
    fsync,
    segmentBytes: options.segmentBytes ?? 64 * 1024 * 1024,
    syncFile: sync,
  });
  const offsets = new OffsetStore(dataDir, fsync, sync);
  const groups = new GroupCoordinator({
    minSessionTimeoutMs: options.minSessionTimeoutMs ?? 1000,
    maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 30 * 60 * 1000,
    log,
  });
  let waiting: (() => void)[] = [];
  const host = options.host ?? '127.0.0.1';
  const context: BrokerContext = {
    nodeId: 1,
    host: options.advertisedHost ?? host,
    port: 0,
    clusterId: 'bolsa-embedded',
    autoCreateTopics: options.autoCreateTopics ?? true,
    maxBatchBytes: 16 * 1024 * 1024,
    topics,
    offsets,
    groups,
    nextProducerId: producerIds(dataDir, fsync),
    waitForData: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(finish, ms);
        function finish(): void {
          clearTimeout(timer);
          resolve();
        }
        waiting.push(finish);
      }),
    dataArrived: () => {
      const woken = waiting;
      waiting = [];
      for (const wake of woken) wake();
    },
  };
  const sockets = new Set<Socket>();
  const maxFrameBytes = options.maxFrameBytes ?? 100 * 1024 * 1024;
  const accept = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, context, maxFrameBytes, options.saslUsers, log);
  };
  const server: Server =
    options.tls === undefined
      ? createServer(accept)
      : createTlsServer({ key: options.tls.key, cert: options.tls.cert }, accept);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  context.port = options.advertisedPort ?? port;
  const retentionMs = options.retentionMs === undefined ? DEFAULT_RETENTION_MS : options.retentionMs;
  const retention =
    dataDir === null || retentionMs === null
      ? undefined
      : setInterval(
          () => {
            const dropped = topics.dropSegmentsBefore(Date.now() - retentionMs);
            if (dropped > 0)
              log(`retention: deleted ${dropped} segments whose records were all older than ${retentionMs} ms`);
          },
          options.retentionCheckMs ?? 5 * 60 * 1000,
        );
  retention?.unref();
  let stopped: Promise<void> | null = null;
  return {
    bootstrap: `${host}:${port}`,
    host,
    port,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        clearInterval(retention);
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        context.dataArrived();
        groups.close();
        topics.close();
        offsets.close();
      })),
  };
}
