import { Inject, Injectable } from '@nestjs/common';
import type { EngineEvent } from '@bolsa/contracts';
import { GroupCommit } from '../database/group-commit.js';
import { SqlPool } from '../database/sql-pool.js';
import { ApiMetrics } from '../observability/metrics.js';
import type { TradeCosts } from '../wallets/settlement.js';
import type { Queryable } from '../wallets/ledger.js';
import { SettlementStore } from '../wallets/settlement-store.js';
import {
  writeBatch,
  type CandleChange,
  type LevelRow,
  type OrderChange,
  type OrderFields,
  type TotalsChange,
  type TradeRow,
} from './batch-write.js';

type Trade = Extract<EngineEvent, { type: 'trade' }>;
type Level = Extract<EngineEvent, { type: 'level_changed' }>;
type VolatilityAuction = Extract<EngineEvent, { type: 'volatility_auction' }>;

/** An engine event with the id it was stored under: its place in every live stream. */
export interface StoredEvent {
  readonly id: number;
  readonly event: EngineEvent;
}

const MINUTE = 60_000;

/** What storing one caller's events came to: the ones that were new, or why they were not stored. */
type Outcome = { readonly stored: StoredEvent[] } | { readonly error: unknown };

/**
 * Ingestion's statements are prepared once per connection and run from a generic plan, not planned afresh for
 * every batch: planning the write statement took longer than running it for a small batch (0.76 ms against 0.64 ms
 * at 200 orders/s), and every batch paid it. A generic plan made while `orders` was small would scan it whole ever
 * after, so sequential scans are ruled out for these statements: every table they touch is reached by its key.
 */
const INGEST_BEGIN = 'BEGIN; SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off';

/**
 * Stores engine events and applies them to orders, trades, candles, the L2 book and wallets, one transaction per
 * batch. Only events after the last one stored for their symbol are inserted (`insertNew`), and only those are
 * applied, so a redelivered batch changes nothing. The effects are folded per order, candle and level
 * first and written in one statement, so a batch costs the same two round trips however many events it holds
 * (pipelined: statements sent together, answered in order): begin, store the events and lock the orders and
 * balances settlement needs; write and commit.
 */
@Injectable()
export class EventIngestion {
  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(SettlementStore) private readonly settlement: SettlementStore,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
  ) {}

  /**
   * Batches handed in together (the consumer gets one per partition of a fetch) share one transaction, and one
   * transaction runs at a time, so stream ids commit in their order. A transaction costs its round trips whatever
   * its size, so storing a fetch's three partitions one after another kept events waiting three times as long.
   */
  private readonly together = new GroupCommit<readonly EngineEvent[], Outcome>(
    (batches) => this.storeTogether(batches),
    1,
    64,
    true,
  );

  /** Returns the events that were new, in order, with their stream ids. */
  async ingest(events: readonly EngineEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const outcome = await this.together.submit(events);
    if ('error' in outcome) throw outcome.error;
    return outcome.stored;
  }

  /** Should the batches fail together, each is stored alone, so that one cannot hold up the others. */
  private async storeTogether(batches: ReadonlyArray<readonly EngineEvent[]>): Promise<Outcome[]> {
    if (batches.length > 1) {
      try {
        const fresh = await this.store(batches.flat());
        const owner = new Map<EngineEvent, number>();
        batches.forEach((batch, index) => batch.forEach((event) => owner.set(event, index)));
        const stored = batches.map((): StoredEvent[] => []);
        for (const event of fresh) stored[owner.get(event.event)!]!.push(event);
        return stored.map((events) => ({ stored: events }));
      } catch {
        // Told apart below, batch by batch.
      }
    }
    const outcomes: Outcome[] = [];
    for (const batch of batches) {
      outcomes.push(
        await this.store(batch).then(
          (stored) => ({ stored }),
          (error: unknown) => ({ error }),
        ),
      );
    }
    return outcomes;
  }

  private async store(events: readonly EngineEvent[]): Promise<StoredEvent[]> {
    const timer = this.metrics.dbSeconds.startTimer({ operation: 'ingest_batch' });
    const ordered = inSequence(events);
    return this.sql
      .pipelinedTransaction(async (tx) => {
        // One round trip: BEGIN, the events, and the locks of their orders and then balances (see SettlementStore).
        const [fresh, locked] = await Promise.all([this.insertNew(tx, ordered), this.settlement.lock(tx, ordered)]);
        if (fresh.length === 0) return fresh;
        const plainEvents = fresh.map((stored) => stored.event);
        const trades = plainEvents.filter((event): event is Trade => event.type === 'trade');
        const settlement = this.settlement.settle(plainEvents, locked);
        const costs = settlement?.outcome.tradeCosts ?? new Map<string, TradeCosts>();
        const levels = latestLevels(plainEvents.filter((event): event is Level => event.type === 'level_changed'));
        // Settlement's locks are held from here to the commit, which goes out with the write.
        await Promise.all([
          writeBatch(tx, {
            orders: orderChanges(plainEvents),
            candles: candleChanges(trades),
            emptiedLevels: levels.filter((level) => level.quantity === 0),
            levels: levels.filter((level) => level.quantity > 0),
            trades: trades.map((event) => tradeRow(event, costs.get(event.tradeId))),
            totals: totalsChanges(plainEvents),
            settlement,
          }),
          ...plainEvents.flatMap((event) =>
            event.type === 'volatility_auction' ? [recordVolatilityAuction(tx, event)] : [],
          ),
          tx.commit(),
        ]);
        return fresh;
      }, INGEST_BEGIN)
      .finally(() => timer());
  }

  /**
   * Stores the batch in its order (stream ids follow it); returns the events that were not there yet. Each of its
   * symbols' `market_totals` row is locked (created if missing) in symbol order, and only events after the row's
   * `stored_sequence` are stored; the write statement advances it before the commit. So a batch delivered twice,
   * even to two processes at once during a rebalance, is stored once.
   */
  private async insertNew(tx: Queryable, events: readonly EngineEvent[]): Promise<StoredEvent[]> {
    const { rows: inserted } = await tx.query<{ id: string; symbol: string; sequence: number }>({
      name: 'insert_engine_events',
      text: `WITH batch AS (
               SELECT e, position FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS b(e, position)
             ), marks AS (
               INSERT INTO market_totals AS m (symbol)
               SELECT DISTINCT e->>'symbol' FROM batch ORDER BY 1
               ON CONFLICT (symbol) DO UPDATE SET stored_sequence = m.stored_sequence
               RETURNING m.symbol, m.stored_sequence
             )
             INSERT INTO engine_events (symbol, sequence, type, order_id, trace_id, payload, occurred_at)
             SELECT e->>'symbol', (e->>'sequence')::int, e->>'type', (e->>'orderId')::uuid, e->>'traceId', e,
                    to_timestamp((e->>'timestamp')::float8 / 1000.0) AT TIME ZONE 'UTC'
               FROM batch JOIN marks ON marks.symbol = batch.e->>'symbol'
              WHERE (e->>'sequence')::int > marks.stored_sequence
              ORDER BY batch.position
             RETURNING id, symbol, sequence`,
      values: [JSON.stringify(events)],
    });
    const ids = new Map(inserted.map((row) => [`${row.symbol}:${row.sequence}`, Number(row.id)]));
    const fresh: StoredEvent[] = [];
    for (const event of events) {
      const id = ids.get(`${event.symbol}:${event.sequence}`);
      if (id !== undefined) fresh.push({ id, event });
    }
    return fresh.sort((a, b) => a.id - b.id);
  }
}

/**
 * The engine numbers each symbol's events one after another: one that is not above the last kept for its symbol is
 * a copy (a batch handed in twice) and is left out, as the stored_sequence check cannot see copies within a batch.
 */
export function inSequence(events: readonly EngineEvent[]): EngineEvent[] {
  const last = new Map<string, number>();
  return events.filter((event) => {
    if (event.sequence <= (last.get(event.symbol) ?? -1)) return false;
    last.set(event.symbol, event.sequence);
    return true;
  });
}

/**
 * A book that went into a volatility auction: the instrument's call auction until its end, as a reopening's is
 * (`reopening_calls`), so that every process refuses what the book would, the tickers say so, and the process that
 * ends such auctions sends its end. One already there (a reopening) ends at the later of the two.
 */
function recordVolatilityAuction(tx: Queryable, event: VolatilityAuction): Promise<unknown> {
  return tx.query(
    `INSERT INTO reopening_calls (symbol, ends_at, trace_id, kind) VALUES ($1, $2, $3, 'volatility')
     ON CONFLICT (symbol) DO UPDATE SET
       kind = CASE WHEN EXCLUDED.ends_at >= reopening_calls.ends_at THEN EXCLUDED.kind ELSE reopening_calls.kind END,
       ends_at = GREATEST(reopening_calls.ends_at, EXCLUDED.ends_at), trace_id = EXCLUDED.trace_id`,
    [event.symbol, new Date(event.endsAt), event.traceId],
  );
}

/** A trade as stored, with its fees (zero when it was not settled) and the seller's cost (null then). */
function tradeRow(event: Trade, costs: TradeCosts | undefined): TradeRow {
  // Every field named: V8 copies a spread that more fields follow property by property.
  return {
    tradeId: event.tradeId,
    symbol: event.symbol,
    sequence: event.sequence,
    price: event.price,
    quantity: event.quantity,
    aggressorSide: event.aggressorSide,
    makerOrderId: event.makerOrderId,
    takerOrderId: event.takerOrderId,
    makerAccountId: event.makerAccountId,
    takerAccountId: event.takerAccountId,
    traceId: event.traceId,
    timestamp: event.timestamp,
    makerFee: costs?.makerFee ?? 0n,
    takerFee: costs?.takerFee ?? 0n,
    sellerCost: costs?.sellerCost ?? null,
    auction: event.auction,
  };
}

/** What the batch does to each order, folded: the last value of each field, and the last event's sequence. */
function orderChanges(events: readonly EngineEvent[]): Map<string, OrderChange> {
  const changes = new Map<string, OrderChange>();
  const change = (event: EngineEvent & { orderId: string }, data: OrderFields, onlyIfPending = false) => {
    const current = changes.get(event.orderId);
    // Only a pending order takes a conditional change; an earlier event of this batch means it is no longer one.
    if (current !== undefined && onlyIfPending) return;
    if (current === undefined) {
      changes.set(event.orderId, { data: { ...data }, lastSequence: event.sequence, onlyIfPending });
      return;
    }
    Object.assign(current.data, data);
    current.lastSequence = event.sequence;
    // A later unconditional change (a fill, a cancel) decides the status whatever it was.
    current.onlyIfPending = false;
  };
  // A fill adds to what its order's fills are worth; it says nothing of the status, which the order's own events do.
  const addFill = (orderId: string, sequence: number, value: bigint) => {
    const current = changes.get(orderId);
    if (current === undefined) {
      changes.set(orderId, { data: { filled_value_added: value }, lastSequence: sequence, onlyIfPending: false });
      return;
    }
    current.data.filled_value_added = (current.data.filled_value_added ?? 0n) + value;
    current.lastSequence = sequence;
  };
  for (const event of events) {
    switch (event.type) {
      case 'order_accepted':
        change(event, { status: 'open' }, true);
        break;
      case 'order_rejected':
        if (event.commandType === 'place_order')
          change(event, { status: 'rejected', status_reason: event.reason }, true);
        break;
      case 'order_updated': {
        const data: OrderFields = {
          filled_quantity: event.filledQuantity,
          quantity: event.quantity,
          price: event.price,
          stop_price: event.stopPrice,
        };
        if (event.protectionPrice !== undefined && event.protectionPrice !== null)
          data.protection_price = event.protectionPrice;
        if (event.trailingOffset !== undefined && event.trailingOffset !== null)
          data.trailing_offset = event.trailingOffset;
        if (event.expiresOn !== undefined) data.expires_on = event.expiresOn;
        if (event.filledQuantity > 0) data.status = 'partially_filled';
        change(event, data);
        break;
      }
      case 'order_filled':
        change(event, { status: 'filled', filled_quantity: event.filledQuantity });
        break;
      case 'order_cancelled':
        change(event, {
          status: 'cancelled',
          status_reason: event.reason,
          filled_quantity: event.filledQuantity,
        });
        break;
      case 'order_expired':
        change(event, {
          status: 'expired',
          status_reason: 'end_of_day',
          filled_quantity: event.filledQuantity,
        });
        break;
      case 'stop_triggered':
        change(event, { triggered_at: event.timestamp });
        break;
      case 'trade': {
        const value = BigInt(event.price) * BigInt(event.quantity);
        addFill(event.makerOrderId, event.sequence, value);
        addFill(event.takerOrderId, event.sequence, value);
        break;
      }
      default:
        break;
    }
  }
  return changes;
}

/** Each touched minute candle, folded over the batch's trades. */
function candleChanges(trades: readonly Trade[]): CandleChange[] {
  const candles = new Map<string, CandleChange>();
  for (const event of trades) {
    const openTime = Math.floor(event.timestamp / MINUTE) * MINUTE;
    const key = `${event.symbol}:${openTime}`;
    const candle = candles.get(key);
    if (candle === undefined) {
      const price = event.price;
      candles.set(key, {
        symbol: event.symbol,
        openTime,
        open: price,
        high: price,
        low: price,
        close: price,
        volume: event.quantity,
        trades: 1,
      });
    } else {
      candle.high = Math.max(candle.high, event.price);
      candle.low = Math.min(candle.low, event.price);
      candle.close = event.price;
      candle.volume += event.quantity;
      candle.trades++;
    }
  }
  return [...candles.values()];
}

/** Per symbol, what the batch's events add to its totals. */
function totalsChanges(events: readonly EngineEvent[]): TotalsChange[] {
  const totals = new Map<string, TotalsChange>();
  for (const event of events) {
    let total = totals.get(event.symbol);
    if (total === undefined) {
      total = {
        symbol: event.symbol,
        trades: 0,
        volume: 0,
        turnover: 0n,
        events: 0,
        lastPrice: null,
        lastSequence: 0,
        storedSequence: 0,
      };
      totals.set(event.symbol, total);
    }
    total.events++;
    total.storedSequence = Math.max(total.storedSequence, event.sequence);
    if (event.type !== 'trade') continue;
    total.trades++;
    total.volume += event.quantity;
    total.turnover += BigInt(event.quantity) * BigInt(event.price);
    if (event.sequence > total.lastSequence) {
      total.lastPrice = event.price;
      total.lastSequence = event.sequence;
    }
  }
  return [...totals.values()];
}

/** The latest total of every level the batch touched. */
function latestLevels(events: readonly Level[]): LevelRow[] {
  const latest = new Map<string, LevelRow>();
  for (const event of events) latest.set(`${event.symbol}:${event.side}:${event.price}`, event);
  return [...latest.values()];
}
