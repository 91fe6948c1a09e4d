import type { OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { merge, Subject, type Observable, type Subscription } from 'rxjs';
import { repeatEvery } from '../scheduling/background.js';
import type { PgNotifications } from './pg-notifications.js';

/** Should a notification be lost, how stale a view may grow. */
const READ_AGAIN_MS = 30_000;

/**
 * What a small table says, as this process knows it, so that placing an order does not read it: read at start, and
 * again when PostgreSQL notifies the table's channel (whichever process wrote), when listening resumes after a lost
 * connection, and every 30 s.
 */
export abstract class NotifiedView<T> implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private reading: Promise<void> | null = null;
  /** A word came while reading: what was read may predate it. */
  private stale = false;
  private subscription: Subscription | null = null;
  private stopTimer = () => {};
  private readonly values = new Subject<T>();

  protected constructor(
    private current: T,
    private readonly notifications: PgNotifications,
    private readonly words: (notifications: PgNotifications) => Observable<string>,
  ) {}

  /** The table's rows, read afresh. */
  protected abstract read(): Promise<T>;

  protected get value(): T {
    return this.current;
  }

  /** Each value as it is read. */
  protected get reads(): Observable<T> {
    return this.values.asObservable();
  }

  onModuleInit(): void {
    this.subscription = merge(this.words(this.notifications), this.notifications.resumed).subscribe(
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
    this.values.complete();
  }

  /** Reads it again; asked while reading, reads once more after that read. */
  refresh(): Promise<void> {
    if (this.reading !== null) {
      this.stale = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.stale = false;
          this.current = await this.read();
          this.values.next(this.current);
        } while (this.stale);
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }
}
