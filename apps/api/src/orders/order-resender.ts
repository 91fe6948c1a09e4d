import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { CommandPublisher } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { repeatEvery, SingleFlight } from '../scheduling/background.js';
import { MarketHours } from '../sessions/market-hours.js';
import { OrderStore } from './order-store.js';
import {
  amendWithdrawal,
  cancelCommand,
  placeCommand,
  type CommandTarget,
  type UnansweredAmend,
} from './engine-commands.js';

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
 *
 * An amend is recorded (numbered, with what more it holds) before it is published too, and one whose send failed
 * (answered 503) may or may not have been published. Its order keeps the larger hold until the engine answers it,
 * so the same look finds live orders whose last amend has waited longer than `orderResendAfterMs` and withdraws it:
 * the engine refuses it then if it never came, and any copy of it later, and ignores the withdrawal if it came.
 * Either way it is answered and settlement gives back what the order no longer needs. It is withdrawn rather than
 * sent again because an amend applied long after the trader asked for it could trade at a price the market has
 * left; the trader, told 503, sends it again if it still wants it.
 *
 * And a suspension cancels its account's live orders when it is made, but those cancels may not all reach Kafka (the
 * admin is told 503): live orders of an account suspended longer than `orderResendAfterMs` ago are cancelled again
 * (reason `account_suspended`), backing off per order likewise, so the suspension holds without anyone repeating it.
 */
@Injectable()
export class OrderResender implements OnApplicationBootstrap, OnModuleDestroy {
  private stopTimer = () => {};
  private readonly passes = new SingleFlight<number>();
  /** Per re-sent order: how often, and when it may go again. */
  private readonly backoff = new Map<string, { sends: number; notBefore: number }>();
  /** The same per withdrawn amend (`<order id>#<amend number>`). */
  private readonly amendBackoff = new Map<string, { sends: number; notBefore: number }>();
  /** The same per order of a suspended account cancelled again. */
  private readonly cancelBackoff = new Map<string, { sends: number; notBefore: number }>();

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(CommandPublisher) private readonly publisher: CommandPublisher,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
    @Inject(MarketHours) private readonly hours: MarketHours,
  ) {}

  onApplicationBootstrap(): void {
    const after = this.config.orderResendAfterMs;
    if (after === 0) return;
    this.stopTimer = repeatEvery(Math.max(100, after / 2), () => void this.pass());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopTimer();
    await this.passes.settled();
  }

  /**
   * One look for stranded orders, overdue amends and suspended accounts' live orders; returns how many commands
   * were sent. Passes never overlap.
   */
  pass(): Promise<number> {
    return this.passes.run(() =>
      Promise.all([this.resend(), this.withdrawOverdueAmends(), this.cancelSuspendedOrders()])
        .then(([orders, amends, cancels]) => orders + amends + cancels)
        .catch((error: unknown) => {
          this.logger.pino.warn({ err: error }, 'pending orders, overdue amends or suspended orders not sent');
          return 0;
        }),
    );
  }

  private async resend(): Promise<number> {
    const stranded = await this.store.pendingSince(this.config.orderResendAfterMs, BATCH);
    const due = this.due(this.backoff, stranded, (order) => order.orderId);
    await Promise.all(due.map((order) => this.publisher.publish(placeCommand(order, this.hours))));
    for (const order of due) {
      const { traceId, orderId, symbol } = order;
      const sends = this.sent(this.backoff, orderId);
      this.logger.pino.warn({ traceId, orderId, symbol, sends }, 'pending order re-sent to the engine');
    }
    this.metrics.ordersResent.inc(due.length);
    return due.length;
  }

  private async withdrawOverdueAmends(): Promise<number> {
    const overdue = await this.store.unansweredAmendsSince(this.config.orderResendAfterMs, BATCH);
    const key = (amend: UnansweredAmend) => `${amend.orderId}#${amend.amendNumber}`;
    const due = this.due(this.amendBackoff, overdue, key);
    await Promise.all(due.map((amend) => this.publisher.publish(amendWithdrawal(amend))));
    for (const amend of due) {
      const { traceId, orderId, symbol, amendNumber } = amend;
      const sends = this.sent(this.amendBackoff, key(amend));
      this.logger.pino.warn({ traceId, orderId, symbol, amendNumber, sends }, 'overdue amend withdrawn');
    }
    this.metrics.amendsWithdrawn.inc(due.length);
    return due.length;
  }

  private async cancelSuspendedOrders(): Promise<number> {
    const live = await this.store.liveOrdersOfSuspendedSince(this.config.orderResendAfterMs, BATCH);
    const due = this.due(this.cancelBackoff, live, (order: CommandTarget) => order.orderId);
    await Promise.all(due.map((order) => this.publisher.publish(cancelCommand(order, 'account_suspended'))));
    for (const { traceId, orderId, accountId, symbol } of due) {
      const sends = this.sent(this.cancelBackoff, orderId);
      this.logger.pino.warn(
        { traceId, orderId, accountId, symbol, sends },
        'suspended account’s order cancelled again',
      );
    }
    this.metrics.suspendedOrdersCancelled.inc(due.length);
    return due.length;
  }

  /** Of what is still waiting, what may go now; what no longer waits is forgotten. */
  private due<T>(backoff: Map<string, { notBefore: number }>, waiting: readonly T[], key: (item: T) => string): T[] {
    const still = new Set(waiting.map(key));
    for (const known of backoff.keys()) if (!still.has(known)) backoff.delete(known);
    const now = Date.now();
    return waiting.filter((item) => (backoff.get(key(item))?.notBefore ?? 0) <= now);
  }

  /** Counts a send and sets when the next may go; returns the count. */
  private sent(backoff: Map<string, { sends: number; notBefore: number }>, key: string): number {
    const sends = (backoff.get(key)?.sends ?? 0) + 1;
    const after = this.config.orderResendAfterMs;
    backoff.set(key, { sends, notBefore: Date.now() + Math.min(after * 2 ** sends, MAX_BACKOFF_MS) });
    return sends;
  }
}
