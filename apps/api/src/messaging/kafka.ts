import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { encodeCommand, messageHeaders, TOPICS, type OrderCommand } from '@bolsa/contracts';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { GroupCommit } from '../database/group-commit.js';
import { ApiLogger } from '../observability/logger.js';

/** The process's Kafka client. */
@Injectable()
export class KafkaClient {
  readonly kafka: Kafka;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    // Bounded retries; a request waits at most COMMAND_SEND_WAIT_MS for its send (a hung broker's requests only
    // time out after kafkajs's 30 s, retried).
    this.kafka = new Kafka({
      brokers: config.brokers,
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
    @Inject(ApiLogger) private readonly logger: ApiLogger,
  ) {}

  publish(command: OrderCommand): Promise<void> {
    return this.sends.submit(command);
  }

  async onModuleDestroy(): Promise<void> {
    await this.producer?.disconnect();
  }

  private async send(batch: OrderCommand[]): Promise<void[]> {
    try {
      const producer = await this.connected();
      await producer.send({
        topic: TOPICS.orderCommands,
        acks: -1,
        messages: batch.map((command) => ({
          key: command.symbol,
          value: encodeCommand(command),
          headers: messageHeaders(command),
        })),
      });
    } catch (error) {
      for (const command of batch) {
        this.logger.pino.warn({ traceId: command.traceId, err: error }, 'command not published');
      }
      throw error;
    }
    for (const command of batch) {
      this.logger.pino.debug(
        { traceId: command.traceId, command: command.type, orderId: 'orderId' in command ? command.orderId : null },
        'command published',
      );
    }
    return batch.map(() => undefined);
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
