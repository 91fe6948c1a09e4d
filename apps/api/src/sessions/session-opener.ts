import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { CommandPublisher } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { openTradingCommand, toEveryBook } from '../orders/engine-commands.js';
import { OneShot, repeatEvery, SingleFlight } from '../scheduling/background.js';
import { MarketHours } from './market-hours.js';
import { localTime } from './trading-clock.js';

/** How often the process that stores engine events looks at the clock between openings. */
const CHECK_EVERY_MS = 30_000;

/**
 * Ends each trading day's pre-opening call auction (`MARKET_PREOPENING_MINUTES`): at the opening, an `open_trading`
 * command per symbol, and each book trades what crossed in the auction at one price, then continuously. The process
 * that stores engine events sends it, on a timer set for the opening once it sees the auction, and again after a
 * restart during the day's trading: a copy changes nothing. A book uncrosses anyway when the first command recorded
 * after the opening reaches it, so an opening sent late (Kafka away) holds nothing up but the auction's own trades.
 */
@Injectable()
export class SessionOpener implements OnApplicationBootstrap, OnModuleDestroy {
  private stopTimer = () => {};
  private readonly atOpening = new OneShot();
  /** The last day whose opening was sent (or sent again after a restart). */
  private openedDay: string | null = null;
  private readonly openings = new SingleFlight<string | null>();

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(CommandPublisher) private readonly publisher: CommandPublisher,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
    @Inject(MarketHours) private readonly hours: MarketHours,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.consumeEvents || (this.config.marketOpen?.preOpeningMinutes ?? 0) === 0) return;
    this.stopTimer = repeatEvery(CHECK_EVERY_MS, () => void this.tick());
    void this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopTimer();
    this.atOpening.cancel();
    await this.openings.settled();
  }

  /**
   * During an auction, sets a timer for its end; in trading hours after the opening, sends today's opening unless
   * this process did already. The day opened, if it sent one.
   */
  tick(now = new Date()): Promise<string | null> {
    const auction = this.hours.auction(now);
    if (auction?.kind === 'opening') {
      this.atOpening.in(auction.endsAt.getTime() - now.getTime() + 5, () => void this.tick());
      return Promise.resolve(null);
    }
    const day = localTime(now, this.config.marketTimeZone).day;
    const opensAt = this.hours.isOpen(now) ? this.hours.openingOf(day) : null;
    if (opensAt === null || this.openedDay === day) return Promise.resolve(null);
    return this.openings.run(() =>
      this.open(day, opensAt).catch((error: unknown) => {
        this.logger.pino.warn({ err: error, tradingDay: day }, 'trading not opened; trying again shortly');
        return null;
      }),
    );
  }

  private async open(tradingDay: string, opensAt: Date): Promise<string> {
    const traceId = randomUUID().replaceAll('-', '');
    const symbols = await toEveryBook(
      this.config.instruments,
      (symbol) => openTradingCommand(symbol, traceId, tradingDay, opensAt),
      (command) => this.publisher.publish(command),
    );
    this.openedDay = tradingDay;
    this.logger.pino.info(
      { traceId, tradingDay, opensAt: opensAt.toISOString(), symbols },
      'trading opened: the pre-opening call auction uncrossed',
    );
    return tradingDay;
  }
}
