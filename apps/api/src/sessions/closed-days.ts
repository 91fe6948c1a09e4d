import { Inject, Injectable } from '@nestjs/common';
import { NotifiedView } from '../database/notified-view.js';
import { CHANNELS, PgNotifications } from '../database/pg-notifications.js';
import { SqlPool } from '../database/sql-pool.js';
import type { ClosedDayList } from './trading-clock.js';

/**
 * The trading days closed already (rows of `market_sessions`) of late, as this process knows them, so that placing an
 * order does not read them: read at start, and again when PostgreSQL says a day was closed or a close undone
 * (`bolsa_sessions`, whichever process did it), when listening resumes after a lost connection, and every 30 s.
 */
@Injectable()
export class ClosedDays extends NotifiedView<ReadonlySet<string>> implements ClosedDayList {
  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(PgNotifications) notifications: PgNotifications,
  ) {
    super(new Set(), notifications, (channels) => channels.on(CHANNELS.sessions));
  }

  has(day: string): boolean {
    return this.value.has(day);
  }

  /** Two days back is enough: today in the exchange's time zone is at most a day from the database's. */
  protected async read(): Promise<Set<string>> {
    const { rows } = await this.sql.query<{ day: string }>(
      `SELECT to_char(trading_day, 'YYYY-MM-DD') AS day FROM market_sessions WHERE trading_day >= CURRENT_DATE - 2`,
    );
    return new Set(rows.map((row) => row.day));
  }
}
