import { Inject, Injectable } from '@nestjs/common';
import { refusedInAuction, type OrderFields } from '@bolsa/contracts';
import { map, type Observable } from 'rxjs';
import { NotifiedView } from '../database/notified-view.js';
import { CHANNELS, PgNotifications } from '../database/pg-notifications.js';
import { SqlPool } from '../database/sql-pool.js';
import type { ApiError } from '../errors/api-error.js';
import { ApiMetrics } from '../observability/metrics.js';
import { auctionCallRefusal } from '../sessions/market-hours.js';
import { InstrumentRegistry } from './instrument-registry.js';

/** An instrument's own call auction: its reopening after a halt, or a volatility auction. */
export type InstrumentCallKind = 'reopening' | 'volatility';

interface InstrumentCall {
  readonly endsAt: Date;
  readonly kind: InstrumentCallKind;
}

/**
 * The instruments in a call auction of their own (rows of `reopening_calls`): a reopening after a halt, or a
 * volatility auction; and when each ends, as this process knows them, so that placing an order does not read them:
 * read at start and whenever a halt, resumption or such an auction changes (`bolsa_halts`, whichever process made
 * it). Another process may take an order in the moment before it hears of one: the book, in its auction already,
 * rejects what it cannot take (`auction_call`).
 */
@Injectable()
export class ReopeningCalls extends NotifiedView<ReadonlyMap<string, InstrumentCall>> {
  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(PgNotifications) notifications: PgNotifications,
    @Inject(InstrumentRegistry) instruments: InstrumentRegistry,
    @Inject(ApiMetrics) metrics: ApiMetrics,
  ) {
    super(new Map(), notifications, (channels) => channels.on(CHANNELS.halts));
    metrics.watchReopenings(
      () => new Map(instruments.list().map(({ symbol }) => [symbol, this.endsAt(symbol) !== null])),
    );
  }

  /** Each time the reopenings were read again: the process that ends them looks for the next end. */
  get changes(): Observable<void> {
    return this.reads.pipe(map(() => undefined));
  }

  /** Every such auction not yet ended at the engine, ended or not by the clock: symbol → its end. */
  get all(): ReadonlyMap<string, Date> {
    return new Map([...this.value].map(([symbol, call]) => [symbol, call.endsAt]));
  }

  /** When the call auction of its own `symbol` is in at `now` ends; null when it is in none. */
  endsAt(symbol: string, now = new Date()): Date | null {
    const call = this.value.get(symbol);
    return call !== undefined && call.endsAt > now ? call.endsAt : null;
  }

  /** In a reopening call, the refusal of an order that could only take at once or only make (`409 auction_call`). */
  refusal(
    symbol: string,
    order: Pick<OrderFields, 'orderType' | 'timeInForce' | 'postOnly'>,
    now = new Date(),
  ): ApiError | null {
    if (!refusedInAuction(order)) return null;
    const endsAt = this.endsAt(symbol, now);
    if (endsAt === null) return null;
    return auctionCallRefusal(this.value.get(symbol)?.kind ?? 'reopening', endsAt);
  }

  protected async read(): Promise<Map<string, InstrumentCall>> {
    const { rows } = await this.sql.query<{ symbol: string; ends_at: Date; kind?: InstrumentCallKind }>(
      'SELECT symbol, ends_at, kind FROM reopening_calls',
    );
    return new Map(rows.map((row) => [row.symbol, { endsAt: row.ends_at, kind: row.kind ?? 'reopening' }]));
  }
}
