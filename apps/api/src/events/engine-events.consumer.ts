import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { decodeEvents, TOPICS, type EngineEvent } from '@bolsa/contracts';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { KafkaClient } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { EventBus } from './event-bus.js';
import { EventIngestion } from './event-ingestion.js';

/** More than the events topic has partitions here (3): workers with no partition to handle cost nothing. */
const PARTITIONS_AT_ONCE = 16;

/**
 * How long the group waits for a member that stopped heartbeating before giving its partitions to another. A process
 * that crashed never leaves the group, so its successor stores nothing until then: with kafkajs's default of 30 s a
 * restarted API left every order pending and every stream silent for 30 s. The engine's consumer uses the same.
 */
const SESSION_TIMEOUT_MS = 10_000;

const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 10_000;

/**
 * How often ingestion commits how far it got. Storing is idempotent, so a restart re-reading up to a second of events
 * changes nothing, and a commit per batch would be a broker round trip (and, on a broker that syncs, a disk sync) per
 * batch: kafkajs's own auto-commit commits after every batch whatever its interval says.
 */
const COMMIT_EVERY_MS = 1000;

/** A thin adapter: Kafka batch → decode with the contracts → ingest → commit the offsets. */
@Injectable()
export class EngineEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: Consumer | null = null;
  private stopped = false;
  private crashRetryMs = FIRST_RETRY_MS;
  /** Per partition, the offset of the first event not yet stored, until it is committed. */
  private readonly storedUpTo = new Map<number, string>();
  private commitTimer: NodeJS.Timeout | null = null;
  private committing = false;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(KafkaClient) private readonly client: KafkaClient,
    @Inject(EventIngestion) private readonly ingestion: EventIngestion,
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
  ) {}

  /** Starts consuming in the background: the API serves requests even while Kafka is unreachable. */
  onApplicationBootstrap(): void {
    if (!this.config.consumeEvents) return;
    this.commitTimer = setInterval(() => void this.commitStored(), COMMIT_EVERY_MS).unref();
    void this.startWithRetries();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.commitTimer !== null) clearInterval(this.commitTimer);
    await this.commitStored();
    await this.consumer?.disconnect();
  }

  /** A commit refused (a rebalance under way) is let go: the partition's next owner re-reads, changing nothing. */
  private async commitStored(): Promise<void> {
    const consumer = this.consumer;
    if (consumer === null || this.committing || this.storedUpTo.size === 0) return;
    const offsets = [...this.storedUpTo].map(([partition, offset]) => ({
      topic: TOPICS.engineEvents,
      partition,
      offset,
    }));
    this.storedUpTo.clear();
    this.committing = true;
    try {
      await consumer.commitOffsets(offsets);
    } catch (error) {
      this.logger.pino.warn({ err: error, offsets }, 'engine events offsets not committed');
    } finally {
      this.committing = false;
    }
  }

  private async startWithRetries(): Promise<void> {
    for (let delay = FIRST_RETRY_MS; !this.stopped; delay = Math.min(delay * 2, LAST_RETRY_MS)) {
      const consumer = this.client.kafka.consumer({
        groupId: this.config.eventsGroupId,
        maxWaitTimeInMs: 100,
        sessionTimeout: SESSION_TIMEOUT_MS,
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => this.crashed(consumer, payload.error, payload.restart));
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.assigned(consumer, payload.memberAssignment));
      consumer.on(consumer.events.COMMIT_OFFSETS, () => this.metrics.eventOffsetCommits.inc());
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [TOPICS.engineEvents], fromBeginning: true });
        // Offsets are committed once a second (COMMIT_EVERY_MS), not by kafkajs. The partitions of one fetch are
        // handed over together, so ingestion stores them in one transaction rather than one after another (each
        // partition's events stay in their order: a partition's next batch comes only with the next fetch).
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: PARTITIONS_AT_ONCE,
          eachBatch: (payload) => this.handle(payload),
        });
        this.consumer = consumer;
        if (this.stopped) await consumer.disconnect();
        return;
      } catch {
        this.metrics.consumerStartFailures.inc();
        await consumer.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * kafkajs restarts the consumer itself after errors it can retry; after any other (an authorization failure, say)
   * it has disconnected it for good, and the API would serve on without storing events. Storing is idempotent, so
   * a new consumer simply goes on from the committed offsets. Crashing again soon waits longer each time.
   */
  private crashed(consumer: Consumer, error: Error, restartedByKafkajs: boolean): void {
    this.metrics.consumerCrashes.inc({ restarted_by: restartedByKafkajs ? 'kafkajs' : 'api' });
    this.logger.pino.error({ err: error, restartedByKafkajs }, 'the engine events consumer crashed');
    if (restartedByKafkajs || this.stopped) return;
    if (this.consumer === consumer) this.consumer = null;
    const delay = this.crashRetryMs;
    this.crashRetryMs = Math.min(delay * 2, LAST_RETRY_MS);
    setTimeout(() => {
      void consumer
        .disconnect()
        .catch(() => undefined)
        .then(() => this.startWithRetries());
    }, delay).unref();
  }

  /**
   * A partition given to another API is no longer this one's to wait on. kafkajs keeps a pause across rebalances,
   * so it is lifted: should the partition come back, ingestion reads up to the unreadable events and waits again.
   */
  private assigned(consumer: Consumer, assignment: Record<string, number[]>): void {
    const mine = new Set(assignment[TOPICS.engineEvents] ?? []);
    for (const partition of this.storedUpTo.keys()) if (!mine.has(partition)) this.storedUpTo.delete(partition);
    for (const { topic, partitions } of consumer.paused()) {
      const released = partitions.filter((partition) => !mine.has(partition));
      if (released.length === 0) continue;
      consumer.resume([{ topic, partitions: released }]);
      for (const partition of released) this.metrics.waitingPartitions.remove({ partition: String(partition) });
    }
  }

  private async handle({ batch, resolveOffset, heartbeat, pause }: EachBatchPayload): Promise<void> {
    const events: EngineEvent[] = [];
    // Events of a schema version this build cannot read are valid events of a newer engine: skipping them would lose
    // trades. The partition waits at the first one (what came before is stored), paused while the others go on,
    // until an API that reads it runs.
    let stop: { offset: string; error: string } | null = null;
    let handled: string | undefined;
    for (const message of batch.messages) {
      const decoded = message.value === null ? null : decodeEvents(message.value);
      if (decoded !== null && !decoded.ok && decoded.error.kind === 'unsupported_version') {
        stop = { offset: message.offset, error: decoded.error.message };
        break;
      }
      handled = message.offset;
      if (decoded?.ok) events.push(...decoded.value);
      else this.metrics.undecodableEvents.inc();
    }
    let fresh: Awaited<ReturnType<EventIngestion['ingest']>>;
    try {
      fresh = await this.ingestion.ingest(events);
    } catch (error) {
      // kafkajs retries the batch; say which requests' events are stuck.
      const traceIds = [...new Set(events.map((event) => event.traceId))];
      this.logger.pino.error({ err: error, partition: batch.partition, traceIds }, 'event batch not stored');
      throw error;
    }
    this.metrics.ingestedEvents.inc(fresh.length);
    for (const { id, event } of fresh) {
      this.logger.pino.debug(
        { traceId: event.traceId, id, symbol: event.symbol, sequence: event.sequence, type: event.type },
        'event stored',
      );
    }
    for (const { event } of fresh) {
      if (event.type === 'order_rejected' && event.commandType === 'place_order')
        this.metrics.ordersRejected.inc({ reason: event.reason });
    }
    if (handled !== undefined) {
      resolveOffset(handled);
      this.storedUpTo.set(batch.partition, (BigInt(handled) + 1n).toString());
      this.metrics.eventsLag.set(
        { partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - Number(handled) - 1),
      );
    }
    await heartbeat();
    this.bus.publish(fresh);
    this.crashRetryMs = FIRST_RETRY_MS;
    if (stop !== null) {
      pause();
      this.metrics.waitingPartitions.set({ partition: String(batch.partition) }, 1);
      this.logger.pino.error(
        { partition: batch.partition, offset: stop.offset, error: stop.error },
        'engine events of a schema version this API cannot read: this partition waits for an API that reads them',
      );
    }
  }
}
