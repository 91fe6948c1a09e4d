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

/**
 * The instruments in a reopening call auction after a halt (rows of `reopening_calls`), and when each ends, as this
 * process knows them, so that placing an order does not read them: read at start and whenever a halt, resumption or
 * reopening changes (`bolsa_halts`, whichever process made it). Another process may take an order in the moment
 * before it hears of a reopening: the book, in its auction already, rejects what it cannot take (`auction_call`).
 */
@Injectable()
export class ReopeningCalls extends NotifiedView<ReadonlyMap<string, Date>> {
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

  /** Every reopening not yet ended at the engine, ended or not by the clock: symbol → its end. */
  get all(): ReadonlyMap<string, Date> {
    return this.value;
  }

  /** When the reopening call `symbol` is in at `now` ends; null when it is in none. */
  endsAt(symbol: string, now = new Date()): Date | null {
    const end = this.value.get(symbol);
    return end !== undefined && end > now ? end : null;
  }

  /** In a reopening call, the refusal of an order that could only take at once or only make (`409 auction_call`). */
  refusal(
    symbol: string,
    order: Pick<OrderFields, 'orderType' | 'timeInForce' | 'postOnly'>,
    now = new Date(),
  ): ApiError | null {
    if (!refusedInAuction(order)) return null;
    const endsAt = this.endsAt(symbol, now);
    return endsAt === null ? null : auctionCallRefusal('reopening', endsAt);
  }

  protected async read(): Promise<Map<string, Date>> {
    const { rows } = await this.sql.query<{ symbol: string; ends_at: Date }>(
      'SELECT symbol, ends_at FROM reopening_calls',
    );
    return new Map(rows.map((row) => [row.symbol, row.ends_at]));
  }
}
