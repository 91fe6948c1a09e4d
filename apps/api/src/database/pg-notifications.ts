import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { filter, map, mergeMap, Subject, type Observable } from 'rxjs';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { connectionFields } from './pg-connection.js';

/**
 * Channels PostgreSQL notifies on: whose wallet changed (see ChangeNotifier), that engine events were stored, which
 * instrument's trading was halted or resumed, which account was suspended or reinstated, which trading day was
 * closed, which API key changed (was revoked), and whose price alerts went off.
 */
export const CHANNELS = {
  wallets: 'bolsa_wallets',
  events: 'bolsa_events',
  halts: 'bolsa_halts',
  accounts: 'bolsa_accounts',
  sessions: 'bolsa_sessions',
  apiKeys: 'bolsa_api_keys',
  alerts: 'bolsa_alerts',
} as const;
type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/**
 * PostgreSQL LISTEN on one connection of this process: notifications are delivered at commit, whichever process
 * wrote, so every API process learns of changes as they become visible.
 */
@Injectable()
export class PgNotifications implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly subject = new Subject<{ channel: string; payload: string }>();
  private readonly relistened = new Subject<void>();
  private client: pg.Client | null = null;
  private stopped = false;

  /**
   * Each time listening starts again after the connection was lost: whatever was notified meanwhile is gone, so
   * those who keep a view of notified things up to date read it afresh.
   */
  readonly resumed: Observable<void> = this.relistened.asObservable();

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  /** The payloads of one channel. */
  on(channel: Channel): Observable<string> {
    return this.subject.pipe(
      filter((message) => message.channel === channel),
      map((message) => message.payload),
    );
  }

  /** Account ids whose balances just changed. */
  get walletChanges(): Observable<string> {
    return this.on(CHANNELS.wallets).pipe(mergeMap((payload) => payload.split(',')));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client(connectionFields(this.config.databaseUrl));
    client.on('notification', (message) =>
      this.subject.next({ channel: message.channel, payload: message.payload ?? '' }),
    );
    // A lost connection is re-established; then `resumed` tells listeners to catch up.
    client.on('error', () => undefined);
    client.on('end', () => {
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), 1000);
    });
    await client.connect();
    for (const channel of Object.values(CHANNELS)) await client.query(`LISTEN ${channel}`);
    const again = this.client !== null;
    this.client = client;
    if (again) this.relistened.next();
  }
}
