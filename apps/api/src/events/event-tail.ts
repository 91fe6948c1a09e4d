import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { EngineEvent } from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';
import type { Subscription } from 'rxjs';
import { CHANNELS, PgNotifications } from '../database/pg-notifications.js';
import { SqlPool } from '../database/sql-pool.js';
import { EventBus } from './event-bus.js';

/** A safety net: new rows are normally announced by a notification from the ingesting process's commit. */
const IDLE_POLL_MS = 250;
const PAGE = 1000;

/**
 * In a process that serves HTTP but does not ingest (EVENTS_CONSUMER=off), the live streams are fed by tailing
 * engine_events by id, woken by the notification each ingestion commit sends. The one ingesting process commits its batches one at a time, so ids become visible in
 * increasing order and reading "id > last seen" misses nothing.
 */
@Injectable()
export class EventTail implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private lastId = 0;
  private wake: (() => void) | null = null;
  /** A notification that came while a read was in flight: the next idle returns at once. */
  private notified = false;
  private subscription: Subscription | null = null;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(PgNotifications) private readonly notifications: PgNotifications,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.consumeEvents) return;
    const { rows } = await this.sql.query<{ latest: string | null }>('SELECT max(id) AS latest FROM engine_events');
    this.lastId = Number(rows[0]?.latest ?? 0);
    this.running = true;
    this.subscription = this.notifications.on(CHANNELS.events).subscribe(() => {
      if (this.wake !== null) this.wake();
      else this.notified = true;
    });
    void this.follow();
  }

  onModuleDestroy(): void {
    this.running = false;
    this.subscription?.unsubscribe();
    this.wake?.();
  }

  /** Until new rows are announced, or the safety-net poll is due. */
  private idle(): Promise<void> {
    if (this.notified) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, IDLE_POLL_MS);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private async follow(): Promise<void> {
    while (this.running) {
      try {
        // Plain pg and a named statement: this runs after every ingestion commit, where Prisma's per-query cost showed.
        const { rows } = await this.sql.query<{ id: string; payload: EngineEvent }>({
          name: 'tail_engine_events',
          text: 'SELECT id, payload FROM engine_events WHERE id > $1 ORDER BY id LIMIT $2',
          values: [this.lastId, PAGE],
        });
        if (rows.length > 0) {
          this.lastId = Number(rows.at(-1)!.id);
          this.bus.publish(rows.map((row) => ({ id: Number(row.id), event: row.payload })));
        }
        if (rows.length < PAGE) await this.idle();
      } catch {
        // The database went away for a moment: try again shortly.
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}
