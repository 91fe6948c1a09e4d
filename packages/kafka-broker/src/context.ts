import type { GroupCoordinator } from './groups/coordinator.js';
import type { Reader, Writer } from './protocol/codec.js';
import type { OffsetStore } from './storage/offset-store.js';
import type { TopicStore } from './storage/topic-store.js';

/** Everything a request handler may touch. */
export interface BrokerContext {
  readonly nodeId: number;
  readonly host: string;
  port: number;
  readonly clusterId: string;
  readonly autoCreateTopics: boolean;
  readonly maxBatchBytes: number;
  readonly topics: TopicStore;
  readonly offsets: OffsetStore;
  readonly groups: GroupCoordinator;
  /** Hands out producer ids for idempotent producers. */
  nextProducerId(): number;
  /** Resolves when any partition gets new data, or after `ms`. */
  waitForData(ms: number): Promise<void>;
  /** Wakes every parked fetch. */
  dataArrived(): void;
}

export interface Request {
  readonly apiKey: number;
  readonly version: number;
  readonly correlationId: number;
  readonly clientId: string;
  readonly clientHost: string;
  readonly body: Reader;
}

/** A response body, or null when the protocol says no response is sent (produce with acks=0). */
export type Handler = (context: BrokerContext, request: Request) => Promise<Writer | null> | Writer | null;
