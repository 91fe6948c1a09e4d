import { Inject, Injectable } from '@nestjs/common';
import type { EngineEvent } from '@bolsa/contracts';
import type { PoolClient } from 'pg';
import { CHANNELS } from '../database/pg-notifications.js';
import { placeholders } from '../database/placeholders.js';
import { SqlPool } from '../database/sql-pool.js';
import { ApiMetrics } from '../observability/metrics.js';
import { SettlementStore } from '../wallets/settlement-store.js';

type Tx = PoolClient;
type Trade = Extract<EngineEvent, { type: 'trade' }>;
type Level = Extract<EngineEvent, { type: 'level_changed' }>;

/** An engine event with the id it was stored under: its place in every live stream. */
export interface StoredEvent {
  readonly id: number;
  readonly event: EngineEvent;
}

const MINUTE = 60_000;

/** Columns of `orders` an event may set, with their new values. */
interface OrderFields {
  status?: string;
  status_reason?: string;
  filled_quantity?: number;
  quantity?: number;
  price?: number | null;
  stop_price?: number | null;
}

/** What a run of events does to one order: the fields it leaves, and whether it only applies to a pending order. */
interface OrderChange {
  data: OrderFields;
  lastSequence: number;
  onlyIfPending: boolean;
}

interface CandleChange {
  symbol: string;
  openTime: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number;
}

function orderIdOf(event: EngineEvent): string | null {
  return 'orderId' in event ? event.orderId : null;
}

/**
 * Stores engine events and applies them to orders, trades, candles and the L2 book, one transaction per batch.
 * Events are inserted keyed by (symbol, sequence) with ON CONFLICT DO NOTHING, and only the ones that were new are
 * applied, so a redelivered batch changes nothing. The effects are folded per order, candle and level first, so a
 * batch costs a handful of statements rather than several per event.
 */
@Injectable()
export class EventIngestion {
  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(SettlementStore) private readonly settlement: SettlementStore,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
  ) {}

  /** Returns the events that were new, in order, with their stream ids. */
  async ingest(events: readonly EngineEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const timer = this.metrics.dbSeconds.startTimer({ operation: 'ingest_batch' });
    return this.sql
      .transaction(async (tx) => {
        const fresh = await this.insertNew(tx, events);
        const plainEvents = fresh.map((stored) => stored.event);
        const trades = plainEvents.filter((event): event is Trade => event.type === 'trade');
        await this.applyToOrders(tx, plainEvents);
        await this.applyToCandles(tx, trades);
        await this.applyToBook(
          tx,
          plainEvents.filter((event): event is Level => event.type === 'level_changed'),
        );
        // Settlement locks the balances that new orders' holds also need, so it comes last: the locks are then
        // held for the few statements left before the commit, not for the whole batch.
        const settled = await this.settlement.apply(tx, plainEvents);
        await this.recordTrades(tx, trades, settled?.fees ?? new Map());
        // Processes that tail engine_events for their streams read the new rows as soon as this commits.
        if (fresh.length > 0) await tx.query(`SELECT pg_notify('${CHANNELS.events}', '')`);
        return fresh;
      })
      .finally(() => timer());
  }

  private async insertNew(tx: Tx, events: readonly EngineEvent[]): Promise<StoredEvent[]> {
    const values = events.flatMap((event) => [
      event.symbol,
      event.sequence,
      event.type,
      orderIdOf(event),
      event.traceId,
      JSON.stringify(event),
      new Date(event.timestamp),
    ]);
    const { rows: inserted } = await tx.query<{ id: string; symbol: string; sequence: number }>(
      `INSERT INTO engine_events (symbol, sequence, type, order_id, trace_id, payload, occurred_at)
       VALUES ${placeholders(events.length, 7, ['', '', '', '::uuid', '', '::jsonb', ''])}
       ON CONFLICT DO NOTHING
       RETURNING id, symbol, sequence`,
      values,
    );
    const ids = new Map(inserted.map((row) => [`${row.symbol}:${row.sequence}`, Number(row.id)]));
    const fresh: StoredEvent[] = [];
    for (const event of events) {
      const id = ids.get(`${event.symbol}:${event.sequence}`);
      if (id !== undefined) fresh.push({ id, event });
    }
    return fresh.sort((a, b) => a.id - b.id);
  }

  private async applyToOrders(tx: Tx, events: readonly EngineEvent[]): Promise<void> {
    const changes = new Map<string, OrderChange>();
    const change = (event: EngineEvent & { orderId: string }, data: OrderFields, onlyIfPending = false) => {
      const current = changes.get(event.orderId);
      if (current === undefined) {
        changes.set(event.orderId, { data: { ...data }, lastSequence: event.sequence, onlyIfPending });
        return;
      }
      Object.assign(current.data, data);
      current.lastSequence = event.sequence;
      // A later unconditional change (a fill, a cancel) decides the status whatever it was.
      current.onlyIfPending &&= onlyIfPending;
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
        case 'order_updated':
          change(event, {
            filled_quantity: event.filledQuantity,
            quantity: event.quantity,
            price: event.price,
            stop_price: event.stopPrice,
            ...(event.filledQuantity > 0 ? { status: 'partially_filled' } : {}),
          });
          break;
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
        default:
          break;
      }
    }
    if (changes.size === 0) return;
    // One statement for the batch: a NULL leaves a column as it is, except price and stop price, which an amend
    // may clear, so those come with a flag saying whether the batch sets them.
    const rows = [...changes];
    const column = <T>(pick: (change: OrderChange) => T) => rows.map(([, change]) => pick(change));
    const text = (value: number | null | undefined) => (value === undefined || value === null ? null : String(value));
    await tx.query({
      name: 'apply_order_changes',
      text: `UPDATE orders o SET
               status = COALESCE(v.status, o.status),
               status_reason = COALESCE(v.status_reason, o.status_reason),
               filled_quantity = COALESCE(v.filled_quantity, o.filled_quantity),
               quantity = COALESCE(v.quantity, o.quantity),
               price = CASE WHEN v.sets_price THEN v.price ELSE o.price END,
               stop_price = CASE WHEN v.sets_stop_price THEN v.stop_price ELSE o.stop_price END,
               last_sequence = v.last_sequence,
               updated_at = now()
             FROM unnest($1::uuid[], $2::int[], $3::bool[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
                         $8::bool[], $9::bigint[], $10::bool[], $11::bigint[])
                  AS v(id, last_sequence, only_if_pending, status, status_reason, filled_quantity, quantity,
                       sets_price, price, sets_stop_price, stop_price)
            WHERE o.id = v.id AND o.last_sequence < v.last_sequence
              AND (NOT v.only_if_pending OR o.status = 'pending')`,
      values: [
        rows.map(([orderId]) => orderId),
        column((change) => change.lastSequence),
        column((change) => change.onlyIfPending),
        column((change) => change.data.status ?? null),
        column((change) => change.data.status_reason ?? null),
        column((change) => text(change.data.filled_quantity)),
        column((change) => text(change.data.quantity)),
        column((change) => 'price' in change.data),
        column((change) => text(change.data.price)),
        column((change) => 'stop_price' in change.data),
        column((change) => text(change.data.stop_price)),
      ],
    });
  }

  private async recordTrades(
    tx: Tx,
    trades: readonly Trade[],
    fees: ReadonlyMap<string, { makerFee: bigint; takerFee: bigint }>,
  ): Promise<void> {
    if (trades.length === 0) return;
    await tx.query(
      `INSERT INTO trades (id, symbol, sequence, price, quantity, aggressor_side, maker_order_id, taker_order_id,
                           maker_account_id, taker_account_id, trace_id, executed_at, maker_fee, taker_fee)
       VALUES ${placeholders(trades.length, 14, ['', '', '', '', '', '', '::uuid', '::uuid', '::uuid', '::uuid', '', '', '::bigint', '::bigint'])}`,
      trades.flatMap((event) => [
        event.tradeId,
        event.symbol,
        event.sequence,
        event.price,
        event.quantity,
        event.aggressorSide,
        event.makerOrderId,
        event.takerOrderId,
        event.makerAccountId,
        event.takerAccountId,
        event.traceId,
        new Date(event.timestamp),
        String(fees.get(event.tradeId)?.makerFee ?? 0n),
        String(fees.get(event.tradeId)?.takerFee ?? 0n),
      ]),
    );
  }

  /** Each touched minute candle, folded over the batch's trades and upserted once. */
  private async applyToCandles(tx: Tx, trades: readonly Trade[]): Promise<void> {
    const candles = new Map<string, CandleChange>();
    for (const event of trades) {
      const openTime = new Date(Math.floor(event.timestamp / MINUTE) * MINUTE);
      const key = `${event.symbol}:${openTime.getTime()}`;
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
    for (const candle of candles.values()) {
      await tx.query(
        `INSERT INTO candles (symbol, open_time, open, high, low, close, volume, trades)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (symbol, open_time) DO UPDATE SET
           high = GREATEST(candles.high, EXCLUDED.high),
           low = LEAST(candles.low, EXCLUDED.low),
           close = EXCLUDED.close,
           volume = candles.volume + EXCLUDED.volume,
           trades = candles.trades + EXCLUDED.trades`,
        [
          candle.symbol,
          candle.openTime,
          candle.open,
          candle.high,
          candle.low,
          candle.close,
          candle.volume,
          candle.trades,
        ],
      );
    }
  }

  /** The latest total of every level the batch touched: delete the empty ones, upsert the rest. */
  private async applyToBook(tx: Tx, levels: readonly Level[]): Promise<void> {
    if (levels.length === 0) return;
    const latest = new Map<string, Level>();
    for (const event of levels) latest.set(`${event.symbol}:${event.side}:${event.price}`, event);
    const empty = [...latest.values()].filter((event) => event.quantity === 0);
    const filled = [...latest.values()].filter((event) => event.quantity > 0);
    if (empty.length > 0) {
      await tx.query(
        `DELETE FROM book_levels WHERE (symbol, side, price) IN (${placeholders(empty.length, 3, ['', '', '::bigint'])})`,
        empty.flatMap((event) => [event.symbol, event.side, event.price]),
      );
    }
    if (filled.length > 0) {
      await tx.query(
        `INSERT INTO book_levels (symbol, side, price, quantity, order_count, sequence)
         VALUES ${placeholders(filled.length, 6, ['', '', '::bigint', '::bigint', '', ''])}
         ON CONFLICT (symbol, side, price) DO UPDATE SET
           quantity = EXCLUDED.quantity, order_count = EXCLUDED.order_count, sequence = EXCLUDED.sequence`,
        filled.flatMap((event) => [
          event.symbol,
          event.side,
          event.price,
          event.quantity,
          event.orderCount,
          event.sequence,
        ]),
      );
    }
  }
}
