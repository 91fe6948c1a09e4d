import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { merge, type Subscription } from 'rxjs';
import { CHANNELS, PgNotifications } from '../database/pg-notifications.js';
import { SqlPool } from '../database/sql-pool.js';
import { repeatEvery } from '../scheduling/background.js';
import type { ClosedDayList } from './trading-clock.js';

/** Should a notification be lost, how stale the list may grow. */
const READ_AGAIN_MS = 30_000;

/**
 * The trading days closed already (rows of `market_sessions`) of late, as this process knows them, so that placing an
 * order does not read them: read at start, and again when PostgreSQL says a day was closed or a close undone
 * (`bolsa_sessions`, whichever process did it), when listening resumes after a lost connection, and every 30 s.
 */
@Injectable()
export class ClosedDays implements ClosedDayList, OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private days: ReadonlySet<string> = new Set();
  private reading: Promise<void> | null = null;
  /** A word came while reading: what was read may predate it. */
  private stale = false;
  private subscription: Subscription | null = null;
  private stopTimer = () => {};

  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(PgNotifications) private readonly notifications: PgNotifications,
  ) {}

  onModuleInit(): void {
    this.subscription = merge(this.notifications.on(CHANNELS.sessions), this.notifications.resumed).subscribe(
      () => void this.refresh().catch(() => undefined),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.stopTimer = repeatEvery(READ_AGAIN_MS, () => void this.refresh().catch(() => undefined));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    this.stopTimer();
  }

  has(day: string): boolean {
    return this.days.has(day);
  }

  /** Reads the list again; asked while reading, reads once more after that read. */
  refresh(): Promise<void> {
    if (this.reading !== null) {
      this.stale = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.stale = false;
          this.days = await this.read();
        } while (this.stale);
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  /** Two days back is enough: today in the exchange's time zone is at most a day from the database's. */
  private async read(): Promise<Set<string>> {
    const { rows } = await this.sql.query<{ day: string }>(
      `SELECT to_char(trading_day, 'YYYY-MM-DD') AS day FROM market_sessions WHERE trading_day >= CURRENT_DATE - 2`,
    );
    return new Set(rows.map((row) => row.day));
  }
}
