import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ApiKeyAccess, Role } from '@bolsa/contracts';
import { merge, type Subscription } from 'rxjs';
import { CHANNELS, PgNotifications } from '../database/pg-notifications.js';

export interface KnownKey {
  readonly accountId: string;
  readonly role: Role;
  readonly access: ApiKeyAccess;
  readonly secretHash: string;
  readonly revoked: boolean;
}

/** How long a key read from PostgreSQL is trusted without a word from it: should a notification be lost. */
const KEY_CACHE_MS = 10_000;
const KEY_CACHE_SIZE = 10_000;

/**
 * The API keys this process has read lately, so that a program's every request does not read its key again. A key
 * changed or deleted anywhere (revoked by its trader, an administrator or an operator's SQL) is forgotten when that
 * commits, as PostgreSQL tells every process (`bolsa_api_keys`); everything is forgotten when listening starts again
 * after a lost connection, whose notifications are gone.
 */
@Injectable()
export class KnownKeys implements OnModuleInit, OnModuleDestroy {
  private readonly keys = new Map<string, KnownKey & { readonly loadedAt: number }>();
  /** Counts what was forgotten, so that a read that raced with a revocation is not kept after it. */
  private forgotten = 0;
  private subscription: Subscription | null = null;

  constructor(@Inject(PgNotifications) private readonly notifications: PgNotifications) {}

  onModuleInit(): void {
    this.subscription = merge(this.notifications.on(CHANNELS.apiKeys), this.notifications.resumed).subscribe((keyId) =>
      keyId === undefined ? this.forgetAll() : this.forget(keyId),
    );
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** The key as read less than KEY_CACHE_MS ago, if nothing has changed it since. */
  get(keyId: string): KnownKey | undefined {
    const known = this.keys.get(keyId);
    return known !== undefined && Date.now() - known.loadedAt < KEY_CACHE_MS ? known : undefined;
  }

  /**
   * Reads a key with `read` and keeps it, unless something was forgotten while it was read (a revocation that
   * committed meanwhile may be missing from what was read).
   */
  async load(keyId: string, read: () => Promise<KnownKey | null>): Promise<KnownKey | null> {
    const forgottenBefore = this.forgotten;
    const key = await read();
    if (key === null || this.forgotten !== forgottenBefore) return key;
    if (this.keys.size >= KEY_CACHE_SIZE) this.keys.delete(this.keys.keys().next().value!);
    this.keys.set(keyId, { ...key, loadedAt: Date.now() });
    return key;
  }

  forget(keyId: string): void {
    this.forgotten++;
    this.keys.delete(keyId);
  }

  private forgetAll(): void {
    this.forgotten++;
    this.keys.clear();
  }
}
