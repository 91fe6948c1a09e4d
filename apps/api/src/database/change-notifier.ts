import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { CHANNELS } from './pg-notifications.js';
import { connectionFields } from './pg-connection.js';

/** Account ids per `bolsa_wallets` payload: 100 uuids with commas stay well under NOTIFY's 8,000 bytes. */
const ACCOUNTS_PER_PAYLOAD = 100;
const RETRY_MS = 500;
/**
 * The least time from one announcement to the next. Under load every placement call would announce (~270 a second
 * at 1,000 orders/s), each a statement, a commit and a notification every listening process wakes for; waiting this
 * long gathers what changes meanwhile into one, and a wallet stream shows a change at most this much later.
 */
export const ANNOUNCE_GAP_MS = 20;

/** The notifications that say these wallets changed (and, with `events`, that engine events were stored). */
export function announcements(wallets: readonly string[], events: boolean): { channels: string[]; payloads: string[] } {
  const channels: string[] = [];
  const payloads: string[] = [];
  if (events) {
    channels.push(CHANNELS.events);
    payloads.push('');
  }
  for (let start = 0; start < wallets.length; start += ACCOUNTS_PER_PAYLOAD) {
    channels.push(CHANNELS.wallets);
    payloads.push(wallets.slice(start, start + ACCOUNTS_PER_PAYLOAD).join(','));
  }
  return { channels, payloads };
}

/** A select list that sends `announcements`, given as parameters $first (channels) and $first+1 (payloads). */
export const ANNOUNCE_FROM = (first: number) =>
  `pg_notify(n.channel, n.payload) FROM unnest($${first}::text[], $${first + 1}::text[]) AS n(channel, payload)`;

/**
 * Announces wallet changes on PostgreSQL's channel after the writer's commit, from a connection of its own, rather
 * than by a NOTIFY inside the writing transaction (the ledger's trigger did that for every writer). PostgreSQL
 * commits the transactions that NOTIFY one at a time, under a database-wide lock held through each one's WAL flush,
 * so writers that touch different accounts still waited for each other's disk syncs instead of sharing them: 8
 * connections committing small transactions made ~3,600 commits/s with a NOTIFY in each and ~6,500–7,250 without
 * (`pnpm --filter @bolsa/api bench`). This connection commits without waiting for the flush (`synchronous_commit`
 * off: a notification is not kept across a crash anyway), so it holds that lock only for a moment. One statement is
 * in flight at a time, and none starts sooner than `ANNOUNCE_GAP_MS` after the one before it did; what is announced
 * meanwhile goes out together in the next one.
 *
 * Placements, amends and transfers announce here. Ingestion, one transaction at a time and the live streams' source,
 * still notifies from inside its transaction (see batch-write): announcing after its commit would put one more round
 * trip between a commit and the streams, and with every other writer announcing here nobody else holds that lock
 * for more than a moment.
 *
 * A writer that dies between its commit and its announcement announces nothing: a wallet stream then shows the
 * change with the account's next one.
 */
@Injectable()
export class ChangeNotifier implements OnModuleDestroy {
  private readonly pool: pg.Pool;
  private wallets = new Set<string>();
  private sending: Promise<void> | null = null;
  private lastSentAt = -Infinity;
  private stopping = false;

  constructor(
    @Inject(API_CONFIG) config: ApiConfig,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
  ) {
    this.pool = new pg.Pool({
      ...connectionFields(config.databaseUrl),
      max: 1,
      options: '-c synchronous_commit=off',
    });
    // A connection lost while idle is dropped by the pool and opened again for the next statement.
    this.pool.on('error', () => undefined);
  }

  /** These accounts' balances changed in a transaction that has committed. */
  walletsChanged(accountIds: Iterable<string>): void {
    for (const accountId of accountIds) this.wallets.add(accountId);
    this.send();
  }

  /** Resolves once everything announced so far has been sent (or given up on at shutdown). */
  async flushed(): Promise<void> {
    while (this.sending !== null) await this.sending;
  }

  /** Sends what was announced before the process stops; with the database away, that is given up. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.flushed();
    await this.pool.end();
  }

  private send(): void {
    if (this.sending !== null || this.wallets.size === 0) return;
    const wait = this.lastSentAt + ANNOUNCE_GAP_MS - performance.now();
    if (wait > 0 && !this.stopping) {
      this.sending = new Promise((resolve) => setTimeout(resolve, wait)).then(() => this.sent());
      return;
    }
    this.lastSentAt = performance.now();
    const wallets = [...this.wallets];
    this.wallets = new Set();
    const { channels, payloads } = announcements(wallets, false);
    this.sending = this.pool
      .query({
        name: 'announce_changes',
        text: `SELECT ${ANNOUNCE_FROM(1)}`,
        values: [channels, payloads],
      })
      .then(
        () => {
          this.metrics.walletAnnouncements.inc({ outcome: 'sent' });
          this.sent();
        },
        async (error: unknown) => {
          this.metrics.walletAnnouncements.inc({ outcome: 'failed' });
          this.logger.pino.warn({ err: error, stopping: this.stopping }, 'changes not announced');
          if (this.stopping) {
            this.sending = null;
            return;
          }
          // The database is away for a moment: announce it all again once it is back, with whatever came meanwhile.
          for (const accountId of wallets) this.wallets.add(accountId);
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
          this.sent();
        },
      );
  }

  private sent(): void {
    this.sending = null;
    this.send();
  }
}
