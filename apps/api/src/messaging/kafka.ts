import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { encodeCommand, messageHeaders, namesAnOrder, TOPICS, type OrderCommand } from '@bolsa/contracts';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { GroupCommit } from '../database/group-commit.js';
import { ApiError } from '../errors/api-error.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';

/** The process's Kafka client. */
@Injectable()
export class KafkaClient {
  readonly kafka: Kafka;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    // Bounded retries; a request waits at most COMMAND_SEND_WAIT_MS for its send (a hung broker's requests only
    // time out after kafkajs's 30 s, retried).
    this.kafka = new Kafka({
      brokers: config.brokers,
      ...config.kafka,
      clientId: 'api',
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      retry: { retries: 4, initialRetryTime: 100, maxRetryTime: 1000 },
    });
  }
}

/**
 * Publishes order commands, keyed by symbol so each symbol's commands stay in order. The idempotent producer has
 * one send in flight at a time; commands that arrive meanwhile wait and go out together in the next send (group
 * commit), so throughput grows with load instead of queueing behind one round trip per request.
 */
@Injectable()
export class CommandPublisher implements OnModuleDestroy {
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;
  private readonly sends = new GroupCommit<OrderCommand, void>((batch) => this.send(batch), 1, Infinity);

  constructor(
    @Inject(KafkaClient) private readonly client: KafkaClient,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
  ) {}

  publish(command: OrderCommand): Promise<void> {
    return this.sends.submit(command);
  }

  /**
   * For a command recorded nowhere first (a cancel, an amend, a halt): published within COMMAND_SEND_WAIT_MS, or
   * the caller is told (503) so that it tries again.
   */
  async deliver(command: OrderCommand): Promise<void> {
    const outcome = await settledWithin(this.publish(command), this.config.commandSendWaitMs);
    if (outcome === 'fulfilled') return;
    throw new ApiError(
      'unavailable',
      outcome === 'rejected'
        ? 'the exchange could not be reached; try again'
        : 'the exchange did not take the request in time; it may still arrive, try again',
      { orderId: namesAnOrder(command) ? command.orderId : null },
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.producer?.disconnect();
  }

  private async send(batch: OrderCommand[]): Promise<void[]> {
    try {
      const producer = await this.connected();
      const sending = this.metrics.commandSendSeconds.startTimer();
      await producer.send({
        topic: TOPICS.orderCommands,
        acks: -1,
        messages: batch.map((command) => ({
          key: command.symbol,
          value: encodeCommand(command),
          headers: messageHeaders(command),
        })),
      });
      sending();
    } catch (error) {
      for (const command of batch) {
        this.logger.pino.warn({ traceId: command.traceId, err: error }, 'command not published');
      }
      this.replaceProducer();
      throw error;
    }
    const sentByType = new Map<OrderCommand['type'], number>();
    for (const command of batch) {
      sentByType.set(command.type, (sentByType.get(command.type) ?? 0) + 1);
      this.logger.pino.debug(
        { traceId: command.traceId, command: command.type, orderId: namesAnOrder(command) ? command.orderId : null },
        'command published',
      );
    }
    for (const [type, count] of sentByType) this.metrics.commandsSent.inc({ type }, count);
    return batch.map(() => undefined);
  }

  /**
   * A send kafkajs gave up on may have been stored all the same (its answers lost), and kafkajs hands that batch's
   * sequence numbers out again: the broker would take the next batch for a copy of it and drop it, or refuse every
   * send after it as a duplicate. The next send goes through a new producer, whose new producer id nothing stored
   * can be mistaken for. The commands given up are sent again as any unpublished command is (by the re-sender, or
   * by the client told 503).
   */
  private replaceProducer(): void {
    const producer = this.producer;
    this.producer = null;
    this.connecting = null;
    // Not waited for: the callers of the batch given up are answered at once.
    void producer?.disconnect().catch(() => undefined);
  }

  private connected(): Promise<Producer> {
    this.connecting ??= (async () => {
      const producer = this.client.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().catch((error: unknown) => {
      this.connecting = null;
      throw error;
    });
    return this.connecting;
  }
}

/** How a promise settled within `ms`, or 'waiting' if it had not; never rejects (a late rejection is absorbed). */
export async function settledWithin(
  promise: Promise<unknown>,
  ms: number,
): Promise<'fulfilled' | 'rejected' | 'waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<'waiting'>((resolve) => {
    timer = setTimeout(() => resolve('waiting'), ms);
  });
  const settled = promise.then(
    () => 'fulfilled' as const,
    () => 'rejected' as const,
  );
  try {
    return await Promise.race([settled, waiting]);
  } finally {
    clearTimeout(timer);
  }
}
