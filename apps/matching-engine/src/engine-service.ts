import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeCommand, TOPICS, type Instrument } from '@bolsa/contracts';
import { Kafka, logLevel, type Consumer, type EachBatchPayload, type KafkaMessage, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { EngineConfig } from './config.js';
import type { EngineMetrics } from './metrics.js';
import { PartitionBooks } from './partition-books.js';
import { SnapshotStore } from './snapshot-store.js';
import {
  expectLastCommandInLog,
  snapshotToResume,
  UnrecoverablePartition,
  type CommandLogBounds,
} from './partition-recovery.js';
import { eventMessages, SOURCE_OFFSET_HEADER, type CommandEvents } from './event-messages.js';

/** Why the engine cannot go on without starting over from its snapshots. */
export type StopReason = 'send_refused' | 'consumer_stopped' | 'partition_unrecoverable';

interface PartitionState {
  readonly books: PartitionBooks;
  /** Commands up to this offset already have their events in the events topic: replay them silently. */
  readonly reflectedUpTo: number;
  commandsSinceSnapshot: number;
  lastSnapshotAt: number;
}

/**
 * The Kafka side of the engine. Events of the commands on input partition p go to events partition p, each
 * with the command's offset in a header. The group's committed offset only moves right after a snapshot, so an
 * engine taking over a partition loads the snapshot, reads the last published source offset, replays the
 * commands after the snapshot without publishing what was already published, and goes on: nothing lost, nothing
 * published twice.
 */
export class EngineService {
  private readonly kafka: Kafka;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly snapshots: SnapshotStore;
  private readonly instruments: ReadonlyMap<string, Instrument>;
  private readonly states = new Map<number, PartitionState>();
  private running = false;
  private stoppedForGood = false;

  constructor(
    private readonly config: EngineConfig,
    private readonly logger: Logger,
    private readonly metrics: EngineMetrics,
    /**
     * Called when Kafka refused a send for good (the books had applied its commands, and consuming on would skip
     * them as applied), or when kafkajs stopped the consumer for good: either way the process must start over from
     * its snapshots, which replays what was applied and not published.
     */
    private readonly onStoppedForGood: (reason: StopReason, error: unknown) => void,
  ) {
    this.kafka = new Kafka({
      brokers: config.brokers,
      ...config.kafka,
      clientId: config.clientId,
      logLevel: logLevel.NOTHING,
    });
    this.consumer = this.kafka.consumer({ groupId: config.groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000 });
    // Idempotent, so kafkajs retries a send until it goes through (and never twice): the books have applied the
    // commands by then, and a send given up would lose their events (engine-process test, through a FaultProxy).
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.snapshots = new SnapshotStore(config.snapshotDir);
    this.instruments = new Map(config.instruments.map((instrument) => [instrument.symbol, instrument]));
    const states = this.states;
    metrics.watchTradingStatus(function* () {
      for (const state of states.values()) yield* state.books.tradingStatus();
    });
  }

  get healthy(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    await this.ensureTopics();
    await this.producer.connect();
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set((payload.memberAssignment[TOPICS.orderCommands] ?? []).map(Number));
      for (const partition of [...this.states.keys()]) {
        if (assigned.has(partition)) continue;
        this.states.delete(partition);
        // Another engine waits at its unreadable command now, if it had one. kafkajs keeps a pause across
        // rebalances, so the partition must not stay paused should it come back: it would stop there again.
        this.consumer.resume([{ topic: TOPICS.orderCommands, partitions: [partition] }]);
        this.metrics.waiting.remove({ partition: String(partition) });
      }
      this.metrics.partitions.set(assigned.size);
      this.logger.info({ partitions: [...assigned] }, 'partitions assigned');
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts the consumer itself after errors it can retry; after any other it has disconnected it,
      // and the engine would report healthy while matching nothing.
      if (payload.restart)
        this.logger.warn({ err: payload.error }, 'the command consumer crashed: kafkajs restarts it');
      else this.stopForGood('consumer_stopped', payload.error);
    });
    await this.consumer.subscribe({ topics: [TOPICS.orderCommands], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    // kafkajs reports a failed join as a crash, not by rejecting run().
    this.running = !this.stoppedForGood;
    this.logger.info({ brokers: this.config.brokers, group: this.config.groupId }, 'matching engine consuming');
  }

  /** Snapshots and commits every partition, then disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.stop();
    // A stopped consumer can no longer commit; the snapshots on disk carry their offsets, and commands before
    // them that are delivered again after a restart are recognised as already applied.
    for (const state of this.states.values()) await this.snapshot(state, { commit: false });
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  private stopForGood(reason: StopReason, error: unknown): void {
    // A refused send also crashes the consumer (the batch handler rethrows it): report the first cause only.
    if (this.stoppedForGood) return;
    this.stoppedForGood = true;
    this.running = false;
    this.onStoppedForGood(reason, error);
  }

  private async ensureTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          { topic: TOPICS.orderCommands, numPartitions: 3 },
          { topic: TOPICS.engineEvents, numPartitions: 3 },
        ],
      });
      const metadata = await admin.fetchTopicMetadata({ topics: [TOPICS.orderCommands, TOPICS.engineEvents] });
      const counts = metadata.topics.map((topic) => topic.partitions.length);
      if (counts[0] !== counts[1]) {
        throw new Error(
          `${TOPICS.orderCommands} and ${TOPICS.engineEvents} must have the same partition count (${counts.join(' vs ')})`,
        );
      }
    } finally {
      await admin.disconnect();
    }
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const partition = batch.partition;
    let state: PartitionState;
    try {
      state = await this.stateFor(partition);
    } catch (error) {
      // Thrown on to kafkajs it would be retried, the consumer restarted and the partition's symbols never traded,
      // with the engine reporting healthy: exit saying why, so that someone looks. (Kafka's errors are retried.)
      if (error instanceof UnrecoverablePartition) this.stopForGood('partition_unrecoverable', error);
      throw error;
    }
    const out: CommandEvents[] = [];
    // A command of a schema version this build cannot read is a valid command of a newer API: skipping it would
    // leave its order pending (its funds held) for good. The partition waits at it, what came before published,
    // until an engine that reads it takes over (from the snapshot, whose offset is the waiting command's).
    let waitAt: { offset: number; error: string } | null = null;
    let lastApplied = -1;
    let handled = 0;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const offset = Number(message.offset);
      const decoded = message.value === null ? null : decodeCommand(message.value);
      if (decoded !== null && !decoded.ok && decoded.error.kind === 'unsupported_version') {
        waitAt = { offset, error: decoded.error.message };
        break;
      }
      if (decoded === null || !decoded.ok) {
        this.metrics.commands.inc({ outcome: 'undecodable' });
        this.logger.error(
          { partition, offset, error: decoded?.error },
          'skipping an order command that does not decode',
        );
        if (offset >= state.books.nextOffset) state.books.skip(offset);
        lastApplied = offset;
        continue;
      }
      const started = performance.now();
      const outcome = state.books.apply(decoded.value, offset);
      this.metrics.matchSeconds.observe((performance.now() - started) / 1000);
      if (outcome.kind === 'gap') {
        this.logger.warn(
          { partition, offset, expected: outcome.expected },
          'commands missing before this one: seeking back',
        );
        this.consumer.seek({ topic: TOPICS.orderCommands, partition, offset: String(outcome.expected) });
        break;
      }
      this.metrics.commands.inc({ outcome: outcome.kind });
      if (outcome.kind === 'resent') {
        const { traceId, type } = decoded.value;
        this.logger.info({ traceId, partition, offset, type }, 'command sent again, or overtaken: nothing to do');
      }
      lastApplied = offset;
      handled++;
      if (outcome.kind !== 'applied' || offset <= state.reflectedUpTo) continue;
      if (outcome.events.length > 0) out.push({ events: outcome.events, offset });
      this.logger.debug({ traceId: decoded.value.traceId, offset, events: outcome.events.length }, 'command matched');
    }
    if (out.length > 0) {
      try {
        await this.publish(partition, out);
      } catch (error) {
        // The idempotent producer retries whatever can be retried until it goes through: this was refused for good.
        this.stopForGood('send_refused', error);
        throw error;
      }
    }
    if (lastApplied >= 0) {
      resolveOffset(String(lastApplied));
      state.commandsSinceSnapshot += handled;
      this.metrics.lag.set(
        { partition: String(partition) },
        Math.max(0, Number(batch.highWatermark) - lastApplied - 1),
      );
    }
    if (waitAt !== null) this.waitAt(partition, waitAt.offset, waitAt.error, Number(batch.highWatermark));
    const due =
      state.commandsSinceSnapshot >= this.config.snapshotEveryCommands ||
      Date.now() - state.lastSnapshotAt >= this.config.snapshotEveryMs;
    if (due && state.commandsSinceSnapshot > 0) await this.snapshot(state);
    await heartbeat();
  }

  private waitAt(partition: number, offset: number, error: string, highWatermark: number): void {
    this.consumer.pause([{ topic: TOPICS.orderCommands, partitions: [partition] }]);
    this.metrics.commands.inc({ outcome: 'unsupported_version' });
    this.metrics.waiting.set({ partition: String(partition) }, 1);
    this.metrics.lag.set({ partition: String(partition) }, Math.max(0, highWatermark - offset));
    this.logger.error(
      { partition, offset, error },
      'an order command of a schema version this engine cannot read: this partition waits for an engine that reads it',
    );
  }

  private async publish(partition: number, out: CommandEvents[]): Promise<void> {
    await this.producer.send({ topic: TOPICS.engineEvents, acks: -1, messages: eventMessages(partition, out) });
    for (const { events } of out) for (const event of events) this.metrics.events.inc({ type: event.type });
  }

  /** Writes the partition's snapshot, then commits the offset it ends at, in that order. */
  private async snapshot(state: PartitionState, options = { commit: true }): Promise<void> {
    const snapshot = state.books.snapshot();
    this.snapshots.save(snapshot);
    if (options.commit) {
      try {
        await this.consumer.commitOffsets([
          { topic: TOPICS.orderCommands, partition: snapshot.partition, offset: String(snapshot.nextOffset) },
        ]);
      } catch (error) {
        // A restart starts from the snapshot on disk; the committed offset only spares it re-reading commands the
        // snapshot holds. A commit refused because the group moved on (the broker restarted and forgot this member,
        // or a rebalance) must not stop the consumer for good, as kafkajs does with an error thrown from here: the
        // heartbeat after the batch meets the same refusal, unwrapped, and kafkajs rejoins the group.
        this.metrics.uncommittedSnapshots.inc();
        this.logger.warn(
          { err: error, partition: snapshot.partition, offset: snapshot.nextOffset },
          'snapshot saved, its offset not committed: the next snapshot commits one',
        );
      }
    }
    state.commandsSinceSnapshot = 0;
    state.lastSnapshotAt = Date.now();
    this.metrics.snapshots.inc();
  }

  private async stateFor(partition: number): Promise<PartitionState> {
    const existing = this.states.get(partition);
    if (existing !== undefined) return existing;
    const { commands: log, eventsEnd } = await this.logBounds(partition);
    const snapshot = snapshotToResume(this.snapshots, partition, log, this.logger);
    const applied = snapshot?.lastCommandId;
    if (snapshot !== undefined && typeof applied === 'string' && snapshot.nextOffset - 1 >= log.start) {
      const message = await this.readAt(TOPICS.orderCommands, partition, snapshot.nextOffset - 1);
      const decoded = message.value === null ? null : decodeCommand(message.value);
      expectLastCommandInLog(partition, snapshot, decoded?.ok === true ? decoded.value.commandId : null);
    }
    let books: PartitionBooks;
    try {
      books = new PartitionBooks(partition, this.instruments, snapshot, {
        placementMemoryMs: this.config.placementMemoryMs,
        placementMaxDelayMs: this.config.placementMaxDelayMs,
      });
    } catch (error) {
      // A snapshot holding a book of an instrument no longer configured, say.
      throw new UnrecoverablePartition(partition, error);
    }
    const reflectedUpTo = await this.lastPublishedSourceOffset(partition, eventsEnd);
    const state: PartitionState = { books, reflectedUpTo, commandsSinceSnapshot: 0, lastSnapshotAt: Date.now() };
    this.states.set(partition, state);
    this.logger.info({ partition, from: books.nextOffset, reflectedUpTo }, 'partition recovered');
    return state;
  }

  /** Where the partition's command log begins and ends, and where its events log ends, now. */
  private async logBounds(partition: number): Promise<{ commands: CommandLogBounds; eventsEnd: number }> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [commands, events] = await Promise.all(
        [TOPICS.orderCommands, TOPICS.engineEvents].map(async (topic) =>
          (await admin.fetchTopicOffsets(topic)).find((entry) => entry.partition === partition),
        ),
      );
      return {
        commands: { start: Number(commands?.low ?? 0), end: Number(commands?.high ?? 0) },
        eventsEnd: Number(events?.high ?? 0),
      };
    } finally {
      await admin.disconnect();
    }
  }

  /** The source offset of the last event on events partition p, which ends at `eventsEnd` (-1 when it has none). */
  private async lastPublishedSourceOffset(partition: number, eventsEnd: number): Promise<number> {
    if (eventsEnd === 0) return -1;
    const last = await this.readAt(TOPICS.engineEvents, partition, eventsEnd - 1);
    return Number(last.headers?.[SOURCE_OFFSET_HEADER]?.toString() ?? -1);
  }

  /** The message at `offset` of a topic's partition, which must be there (below its end, not removed). */
  private async readAt(topic: string, partition: number, offset: number): Promise<KafkaMessage> {
    const reader = this.kafka.consumer({
      groupId: `${this.config.groupId}-reader-${randomUUID()}`,
      maxWaitTimeInMs: 100,
    });
    await reader.connect();
    try {
      await reader.subscribe({ topics: [topic] });
      let found: (message: KafkaMessage) => void = () => undefined;
      const wanted = new Promise<KafkaMessage>((resolve) => (found = resolve));
      await reader.run({
        autoCommit: false,
        eachMessage: async ({ partition: p, message }) => {
          if (p === partition && Number(message.offset) === offset) found(message);
        },
      });
      reader.seek({ topic, partition, offset: String(offset) });
      return await wanted;
    } finally {
      await reader.disconnect();
    }
  }
}
