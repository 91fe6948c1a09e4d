import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { Subject, type Observable } from 'rxjs';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { connectionFields } from '../database/pg-connection.js';

const CHANNEL = 'bolsa_wallets';

/**
 * The ids of accounts whose balances just changed, whichever process changed them: a trigger on the ledger
 * NOTIFYs at commit and every API process LISTENs on one connection of its own.
 */
@Injectable()
export class WalletNotifications implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly subject = new Subject<string>();
  private client: pg.Client | null = null;
  private stopped = false;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  get changes(): Observable<string> {
    return this.subject.asObservable();
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
    client.on('notification', (message) => {
      for (const accountId of message.payload?.split(',') ?? []) this.subject.next(accountId);
    });
    // A lost connection is re-established; streams resync with a fresh wallet on the next change.
    client.on('error', () => undefined);
    client.on('end', () => {
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), 1000);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }
}
