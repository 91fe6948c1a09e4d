import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { encodeCommand, messageHeaders, TOPICS, type OrderCommand } from '@bolsa/contracts';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { ApiLogger } from '../observability/logger.js';

/** The process's Kafka client. */
@Injectable()
export class KafkaClient {
  readonly kafka: Kafka;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    // Bounded retries: a request waits a few seconds at most before the client is told the exchange is unreachable.
    this.kafka = new Kafka({
      brokers: config.brokers,
      clientId: 'api',
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      retry: { retries: 4, initialRetryTime: 100, maxRetryTime: 1000 },
    });
  }
}

interface Pending {
  readonly command: OrderCommand;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
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
  private waiting: Pending[] = [];
  private sending = false;

  constructor(
    @Inject(KafkaClient) private readonly client: KafkaClient,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
  ) {}

  publish(command: OrderCommand): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ command, resolve, reject });
      void this.flush();
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.producer?.disconnect();
  }

  private async flush(): Promise<void> {
    if (this.sending || this.waiting.length === 0) return;
    this.sending = true;
    const batch = this.waiting;
    this.waiting = [];
    try {
      const producer = await this.connected();
      await producer.send({
        topic: TOPICS.orderCommands,
        acks: -1,
        messages: batch.map(({ command }) => ({
          key: command.symbol,
          value: encodeCommand(command),
          headers: messageHeaders(command),
        })),
      });
      for (const pending of batch) {
        const { command } = pending;
        this.logger.pino.debug(
          { traceId: command.traceId, command: command.type, orderId: 'orderId' in command ? command.orderId : null },
          'command published',
        );
        pending.resolve();
      }
    } catch (error) {
      for (const pending of batch) {
        this.logger.pino.warn({ traceId: pending.command.traceId, err: error }, 'command not published');
        pending.reject(error);
      }
    } finally {
      this.sending = false;
      void this.flush();
    }
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
