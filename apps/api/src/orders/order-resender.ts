import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { CommandPublisher } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { OrderStore } from './order-store.js';
import { placeCommand } from './engine-commands.js';

/** Orders re-sent per pass, at most: the rest wait for the next one. */
const BATCH = 500;
/** However often an order has been re-sent, it is tried again at least this often. */
const MAX_BACKOFF_MS = 300_000;

/**
 * An order is recorded (with its hold) before it is published, so a process that dies in between leaves it
 * pending with nobody to send it. The process that stores engine events looks for orders pending longer than
 * `orderResendAfterMs` and publishes their place command again, the same command each time, backing off per order.
 * Re-sending is safe because the engine remembers the order ids it has placed: an order it already has changes
 * nothing, and one older than its memory is rejected (its hold released) rather than placed twice.
 */
@Injectable()
export class OrderResender implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  /** Per re-sent order: how often, and when it may go again. */
  private readonly backoff = new Map<string, { sends: number; notBefore: number }>();

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(CommandPublisher) private readonly publisher: CommandPublisher,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
  ) {}

  onApplicationBootstrap(): void {
    const after = this.config.orderResendAfterMs;
    if (after === 0) return;
    this.timer = setInterval(() => void this.pass(), Math.max(100, after / 2));
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    await this.running;
  }

  /** One look for stranded orders; returns how many were re-sent. Passes never overlap. */
  pass(): Promise<number> {
    this.running ??= this.resend()
      .catch((error: unknown) => {
        this.logger.pino.warn({ err: error }, 'pending orders not re-sent');
        return 0;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async resend(): Promise<number> {
    const after = this.config.orderResendAfterMs;
    const stranded = await this.store.pendingSince(after, BATCH);
    const now = Date.now();
    const still = new Set(stranded.map((order) => order.orderId));
    for (const orderId of this.backoff.keys()) if (!still.has(orderId)) this.backoff.delete(orderId);
    const due = stranded.filter((order) => (this.backoff.get(order.orderId)?.notBefore ?? 0) <= now);
    await Promise.all(due.map((order) => this.publisher.publish(placeCommand(order))));
    for (const order of due) {
      const sends = (this.backoff.get(order.orderId)?.sends ?? 0) + 1;
      this.backoff.set(order.orderId, { sends, notBefore: now + Math.min(after * 2 ** sends, MAX_BACKOFF_MS) });
      this.logger.pino.warn(
        { traceId: order.traceId, orderId: order.orderId, symbol: order.symbol, sends },
        'pending order re-sent to the engine',
      );
    }
    this.metrics.ordersResent.inc(due.length);
    return due.length;
  }
}
