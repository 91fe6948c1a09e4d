import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { encodeCommand, messageHeaders, TOPICS, type OrderCommand } from '@bolsa/contracts';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { API_CONFIG, type ApiConfig } from '../config.js';

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

/** Publishes order commands, keyed by symbol so each symbol's commands stay in order. */
@Injectable()
export class CommandPublisher implements OnModuleDestroy {
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;

  constructor(@Inject(KafkaClient) private readonly client: KafkaClient) {}

  async publish(command: OrderCommand): Promise<void> {
    const producer = await this.connected();
    await producer.send({
      topic: TOPICS.orderCommands,
      acks: -1,
      messages: [{ key: command.symbol, value: encodeCommand(command), headers: messageHeaders(command) }],
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.producer?.disconnect();
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
