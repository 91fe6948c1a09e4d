import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { SqlPool } from '../database/sql-pool.js';
import { CommandPublisher } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { openTradingCommand } from '../orders/engine-commands.js';
import { OneShot, SingleFlight } from '../scheduling/background.js';
import { localTime } from '../sessions/trading-clock.js';
import { ReopeningCalls } from './reopening-calls.js';

/** After a failed send, how long until the next try. */
const RETRY_AFTER_MS = 5_000;

/**
 * Ends reopening call auctions: at a reopening's end, an `open_trading` command to its book, which trades what
 * crossed at one price, then continuously; then its row goes. The process that stores engine events does it, on a
 * timer set for the next end it knows of, and at start for ends passed meanwhile: a copy changes nothing, and a book
 * uncrosses anyway when the first command recorded after the end reaches it.
 */
@Injectable()
export class ReopeningOpener implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly atNextEnd = new OneShot();
  private readonly runs = new SingleFlight<string[]>();
  private subscription: Subscription | null = null;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(CommandPublisher) private readonly publisher: CommandPublisher,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
    @Inject(ReopeningCalls) private readonly reopenings: ReopeningCalls,
  ) {}

  onModuleInit(): void {
    if (!this.config.consumeEvents) return;
    this.subscription = this.reopenings.changes.subscribe(() => this.schedule());
  }

  onApplicationBootstrap(): void {
    if (this.config.consumeEvents) this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.atNextEnd.cancel();
    await this.runs.settled();
  }

  /** Sets the timer for the next reopening to end, or ends those ended already. */
  private schedule(now = new Date()): void {
    if (this.subscription === null) return;
    const ends = [...this.reopenings.all.values()].map((end) => end.getTime());
    this.atNextEnd.cancel();
    if (ends.length === 0) return;
    const wait = Math.min(...ends) - now.getTime();
    if (wait > 0) this.atNextEnd.in(wait, () => this.schedule());
    else void this.tick(now);
  }

  /** Sends the end of every reopening that has ended by `now`; the symbols whose end was sent. */
  tick(now = new Date()): Promise<string[]> {
    return this.runs.run(async () => {
      const ended = [...this.reopenings.all].filter(([, end]) => end <= now);
      const opened = await Promise.all(ended.map(([symbol, end]) => this.open(symbol, end)));
      return opened.filter((symbol) => symbol !== null);
    });
  }

  private async open(symbol: string, endsAt: Date): Promise<string | null> {
    const traceId = randomUUID().replaceAll('-', '');
    const tradingDay = localTime(endsAt, this.config.marketTimeZone).day;
    try {
      await this.publisher.deliver(openTradingCommand(symbol, traceId, tradingDay, endsAt));
      await this.sql.query('DELETE FROM reopening_calls WHERE symbol = $1 AND ends_at = $2', [symbol, endsAt]);
    } catch (error) {
      this.logger.pino.warn({ err: error, symbol, traceId }, 'reopening call not ended; trying again shortly');
      this.atNextEnd.cancel();
      this.atNextEnd.in(RETRY_AFTER_MS, () => this.schedule());
      return null;
    }
    this.logger.pino.info(
      { symbol, traceId, endsAt: endsAt.toISOString() },
      'reopening call ended: the book uncrossed',
    );
    // Read again now to set the next timer; failing that, the view's own reads catch up within 30 s.
    await this.reopenings.refresh().catch(() => undefined);
    return symbol;
  }
}
