import { ANNOUNCE_FROM, announcements } from '../database/change-notifier.js';
import { CHANNELS } from '../database/pg-notifications.js';
import { insertLedgerSql, ledgerColumns, type Queryable } from '../wallets/ledger.js';
import type { SettlementWrites } from '../wallets/settlement-store.js';
import { arrayLiteral, columns } from '../database/columns.js';

/** Columns of `orders` an event may set, with their new values. */
export interface OrderFields {
  status?: string;
  status_reason?: string;
  filled_quantity?: number;
  quantity?: number;
  price?: number | null;
  stop_price?: number | null;
  protection_price?: number;
  trailing_offset?: number;
  /** Epoch milliseconds. */
  triggered_at?: number;
  /** What the batch's fills of the order add to its filled_value: price × quantity, in cents. */
  filled_value_added?: bigint;
  /** A GTD order's last trading day, moved by an amend (`YYYY-MM-DD`). */
  expires_on?: string;
}

/** What a run of events does to one order: the fields it leaves, and whether it only applies to a pending order. */
export interface OrderChange {
  data: OrderFields;
  lastSequence: number;
  onlyIfPending: boolean;
}

export interface CandleChange {
  symbol: string;
  /** Start of the minute, epoch milliseconds. */
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number;
}

/** What a batch adds to one symbol's totals (`market_totals`). */
export interface TotalsChange {
  symbol: string;
  trades: number;
  volume: number;
  /** Price × quantity, in cents: past 2^53 for large enough trades. */
  turnover: bigint;
  events: number;
  /** The batch's latest trade on the symbol, if it had one. */
  lastPrice: number | null;
  lastSequence: number;
  /** The batch's last event on the symbol: ingestion stores none at or below it again. */
  storedSequence: number;
}

export interface LevelRow {
  symbol: string;
  side: string;
  price: number;
  quantity: number;
  orderCount: number;
  sequence: number;
}

export interface TradeRow {
  tradeId: string;
  symbol: string;
  sequence: number;
  price: number;
  quantity: number;
  aggressorSide: string;
  makerOrderId: string;
  takerOrderId: string;
  makerAccountId: string;
  takerAccountId: string;
  traceId: string;
  /** Epoch milliseconds. */
  timestamp: number;
  makerFee: bigint;
  takerFee: bigint;
  sellerCost: bigint | null;
  /** Printed by a call auction's uncross. */
  auction: boolean;
}

/** Everything a batch writes once its events are stored and its orders and balances are locked. */
export interface BatchWrites {
  readonly orders: ReadonlyMap<string, OrderChange>;
  readonly candles: readonly CandleChange[];
  /** Levels that emptied (deleted) and levels with their new totals (upserted); never the same level in both. */
  readonly emptiedLevels: readonly LevelRow[];
  readonly levels: readonly LevelRow[];
  readonly trades: readonly TradeRow[];
  readonly totals: readonly TotalsChange[];
  readonly settlement: SettlementWrites | null;
}

// An event's change applies only to an order it has not already reached, and an acceptance only to a pending
// order; a hold written by settlement applies whatever the status.
const APPLIES = `(v.last_sequence IS NOT NULL AND o.last_sequence < v.last_sequence
                  AND (NOT v.only_if_pending OR o.status = 'pending'))`;
const EPOCH_MS = (column: string) => `to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC'`;

/**
 * One statement for the whole batch (one round trip): the sub-statements of a WITH all run to completion, each on
 * its own table, and none touches a row another one does. Prepared, and run from a generic plan made with
 * sequential scans ruled out (see EventIngestion).
 */
const WRITE_BATCH = `
WITH orders_before AS (
  SELECT id, status FROM orders WHERE id = ANY($1::uuid[])
), order_rows AS (
  UPDATE orders o SET
    status = CASE WHEN ${APPLIES} THEN COALESCE(v.status, o.status) ELSE o.status END,
    status_reason = CASE WHEN ${APPLIES} THEN COALESCE(v.status_reason, o.status_reason) ELSE o.status_reason END,
    filled_quantity = CASE WHEN ${APPLIES} THEN COALESCE(v.filled_quantity, o.filled_quantity)
                           ELSE o.filled_quantity END,
    quantity = CASE WHEN ${APPLIES} THEN COALESCE(v.quantity, o.quantity) ELSE o.quantity END,
    price = CASE WHEN ${APPLIES} AND v.sets_price THEN v.price ELSE o.price END,
    stop_price = CASE WHEN ${APPLIES} AND v.sets_stop_price THEN v.stop_price ELSE o.stop_price END,
    protection_price = CASE WHEN ${APPLIES} THEN COALESCE(v.protection_price, o.protection_price)
                            ELSE o.protection_price END,
    trailing_offset = CASE WHEN ${APPLIES} THEN COALESCE(v.trailing_offset, o.trailing_offset)
                           ELSE o.trailing_offset END,
    triggered_at = CASE WHEN ${APPLIES} THEN COALESCE(${EPOCH_MS('v.triggered_ms')}, o.triggered_at)
                        ELSE o.triggered_at END,
    filled_value = CASE WHEN ${APPLIES} THEN o.filled_value + COALESCE(v.filled_value_added, 0)
                        ELSE o.filled_value END,
    expires_on = CASE WHEN ${APPLIES} THEN COALESCE(v.expires_on, o.expires_on) ELSE o.expires_on END,
    last_sequence = CASE WHEN ${APPLIES} THEN v.last_sequence ELSE o.last_sequence END,
    hold_amount = CASE WHEN v.sets_hold THEN v.hold_amount ELSE o.hold_amount END,
    hold_price = CASE WHEN v.sets_hold THEN v.hold_price ELSE o.hold_price END,
    amends_answered = CASE WHEN v.sets_hold THEN GREATEST(o.amends_answered, v.amends_answered)
                           ELSE o.amends_answered END,
    updated_at = now()
  FROM unnest($1::uuid[], $2::int[], $3::bool[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
              $8::bool[], $9::bigint[], $10::bool[], $11::bigint[], $12::bool[], $13::bigint[], $68::bigint[],
              $69::bigint[], $70::float8[], $71::bigint[], $72::int[], $74::bigint[], $78::date[])
       AS v(id, last_sequence, only_if_pending, status, status_reason, filled_quantity, quantity,
            sets_price, price, sets_stop_price, stop_price, sets_hold, hold_amount, protection_price, trailing_offset,
            triggered_ms, hold_price, amends_answered, filled_value_added, expires_on)
  WHERE o.id = v.id AND (v.sets_hold OR ${APPLIES})
  RETURNING o.id, o.status
), status_moves AS (
  -- Every status change but the placement's own 'pending', which is counted from its partial index instead.
  SELECT r.status, 1 AS delta FROM order_rows r JOIN orders_before b USING (id) WHERE b.status <> r.status
  UNION ALL
  SELECT b.status, -1 FROM order_rows r JOIN orders_before b USING (id)
   WHERE b.status <> r.status AND b.status <> 'pending'
), status_rows AS (
  INSERT INTO order_status_counts AS c (status, count)
  SELECT status, sum(delta) FROM status_moves GROUP BY status
  ON CONFLICT (status) DO UPDATE SET count = c.count + EXCLUDED.count
), candle_rows AS (
  INSERT INTO candles (symbol, open_time, open, high, low, close, volume, trades)
  SELECT v.symbol, ${EPOCH_MS('v.open_ms')}, v.open, v.high, v.low, v.close, v.volume, v.trades
    FROM unnest($14::text[], $15::float8[], $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[],
                $20::bigint[], $21::int[]) AS v(symbol, open_ms, open, high, low, close, volume, trades)
  ON CONFLICT (symbol, open_time) DO UPDATE SET
    high = GREATEST(candles.high, EXCLUDED.high),
    low = LEAST(candles.low, EXCLUDED.low),
    close = EXCLUDED.close,
    volume = candles.volume + EXCLUDED.volume,
    trades = candles.trades + EXCLUDED.trades
), emptied_levels AS (
  DELETE FROM book_levels b USING unnest($22::text[], $23::text[], $24::bigint[]) AS v(symbol, side, price)
   WHERE b.symbol = v.symbol AND b.side = v.side AND b.price = v.price
), level_rows AS (
  INSERT INTO book_levels (symbol, side, price, quantity, order_count, sequence)
  SELECT * FROM unnest($25::text[], $26::text[], $27::bigint[], $28::bigint[], $29::int[], $30::int[])
  ON CONFLICT (symbol, side, price) DO UPDATE SET
    quantity = EXCLUDED.quantity, order_count = EXCLUDED.order_count, sequence = EXCLUDED.sequence
), trade_rows AS (
  INSERT INTO trades (id, symbol, sequence, price, quantity, aggressor_side, maker_order_id, taker_order_id,
                      maker_account_id, taker_account_id, trace_id, executed_at, maker_fee, taker_fee, seller_cost,
                      auction)
  SELECT v.id, v.symbol, v.sequence, v.price, v.quantity, v.aggressor_side, v.maker_order_id, v.taker_order_id,
         v.maker_account_id, v.taker_account_id, v.trace_id, ${EPOCH_MS('v.executed_ms')}, v.maker_fee, v.taker_fee,
         v.seller_cost, v.auction
    FROM unnest($31::text[], $32::text[], $33::int[], $34::bigint[], $35::bigint[], $36::text[], $37::uuid[],
                $38::uuid[], $39::uuid[], $40::uuid[], $41::text[], $42::float8[], $43::bigint[], $44::bigint[],
                $45::bigint[], $77::boolean[])
         AS v(id, symbol, sequence, price, quantity, aggressor_side, maker_order_id, taker_order_id,
              maker_account_id, taker_account_id, trace_id, executed_ms, maker_fee, taker_fee, seller_cost, auction)
), balance_rows AS (
  UPDATE balances b SET available = v.available, held = v.held, cost_basis = v.cost_basis, updated_at = now()
    FROM unnest($46::uuid[], $47::text[], $48::bigint[], $49::bigint[], $50::bigint[])
         AS v(account_id, asset, available, held, cost_basis)
   WHERE b.account_id = v.account_id AND b.asset = v.asset
), ledger_rows AS (
  ${insertLedgerSql(51)}
), totals_rows AS (
  INSERT INTO market_totals AS m (symbol, trades, volume, turnover, events, last_price, last_sequence,
                                  stored_sequence)
  SELECT * FROM unnest($61::text[], $62::bigint[], $63::bigint[], $64::bigint[], $65::bigint[], $66::bigint[],
                       $67::int[], $73::int[])
  ON CONFLICT (symbol) DO UPDATE SET
    trades = m.trades + EXCLUDED.trades, volume = m.volume + EXCLUDED.volume,
    turnover = m.turnover + EXCLUDED.turnover, events = m.events + EXCLUDED.events,
    last_price = CASE WHEN EXCLUDED.last_sequence > m.last_sequence THEN EXCLUDED.last_price ELSE m.last_price END,
    last_sequence = GREATEST(m.last_sequence, EXCLUDED.last_sequence),
    stored_sequence = GREATEST(m.stored_sequence, EXCLUDED.stored_sequence)
), alert_rows AS (
  -- Price alerts the batch's trades set off: each once, in the transaction that stores the trade, at the price and
  -- time of the first of them (in execution order) at or beyond the alert's.
  UPDATE price_alerts a SET (trigger_price, triggered_at) = (
           SELECT v.price, ${EPOCH_MS('v.executed_ms')}
             FROM unnest($32::text[], $34::bigint[], $42::float8[]) WITH ORDINALITY AS v(symbol, price, executed_ms, n)
            WHERE v.symbol = a.symbol
              AND CASE WHEN a.condition = 'at_or_above' THEN v.price >= a.price ELSE v.price <= a.price END
            ORDER BY v.n LIMIT 1)
    FROM (SELECT symbol, max(price) AS high, min(price) AS low
            FROM unnest($32::text[], $34::bigint[]) AS v(symbol, price) GROUP BY symbol) t
   WHERE a.symbol = t.symbol AND a.triggered_at IS NULL
     AND CASE WHEN a.condition = 'at_or_above' THEN t.high >= a.price ELSE t.low <= a.price END
  RETURNING a.account_id
)
SELECT ${ANNOUNCE_FROM(75)}
UNION ALL
SELECT pg_notify('${CHANNELS.alerts}', account_id::text) FROM (SELECT DISTINCT account_id FROM alert_rows) AS set_off`;

const text = (value: number | bigint | null | undefined) =>
  value === undefined || value === null ? null : String(value);

/**
 * Writes the batch in one round trip. Processes that tail engine_events, the wallet streams of the accounts whose
 * balances it changed, and the account streams of those whose price alerts it set off are notified when it commits.
 */
export async function writeBatch(tx: Queryable, writes: BatchWrites): Promise<void> {
  await tx.query({ name: 'ingest_write_batch', text: WRITE_BATCH, values: batchValues(writes) });
}

function batchValues(writes: BatchWrites): string[] {
  const wallets = new Set(writes.settlement?.balances.map((balance) => balance.accountId));
  const announced = announcements([...wallets], true);
  const holds = new Map(writes.settlement?.holds.map((hold) => [hold.orderId, hold]));
  const orders = [...new Set([...writes.orders.keys(), ...holds.keys()])]
    .sort()
    .map((id) => ({ id, change: writes.orders.get(id), hold: holds.get(id) }));
  const level = (all: boolean) => (rows: readonly LevelRow[]) =>
    columns(rows, [
      (row) => row.symbol,
      (row) => row.side,
      (row) => row.price,
      ...(all
        ? [(row: LevelRow) => row.quantity, (row: LevelRow) => row.orderCount, (row: LevelRow) => row.sequence]
        : []),
    ]);
  return [
    ...columns(orders, [
      (row) => row.id,
      (row) => row.change?.lastSequence ?? null,
      (row) => row.change?.onlyIfPending ?? false,
      (row) => row.change?.data.status ?? null,
      (row) => row.change?.data.status_reason ?? null,
      (row) => text(row.change?.data.filled_quantity),
      (row) => text(row.change?.data.quantity),
      (row) => row.change !== undefined && 'price' in row.change.data,
      (row) => text(row.change?.data.price),
      (row) => row.change !== undefined && 'stop_price' in row.change.data,
      (row) => text(row.change?.data.stop_price),
      (row) => row.hold !== undefined,
      (row) => text(row.hold?.holdAmount),
    ]),
    ...columns(writes.candles, [
      (c) => c.symbol,
      (c) => c.openTime,
      (c) => c.open,
      (c) => c.high,
      (c) => c.low,
      (c) => c.close,
      (c) => c.volume,
      (c) => c.trades,
    ]),
    ...level(false)(writes.emptiedLevels),
    ...level(true)(writes.levels),
    ...columns(writes.trades, [
      (t) => t.tradeId,
      (t) => t.symbol,
      (t) => t.sequence,
      (t) => t.price,
      (t) => t.quantity,
      (t) => t.aggressorSide,
      (t) => t.makerOrderId,
      (t) => t.takerOrderId,
      (t) => t.makerAccountId,
      (t) => t.takerAccountId,
      (t) => t.traceId,
      (t) => t.timestamp,
      (t) => String(t.makerFee),
      (t) => String(t.takerFee),
      (t) => (t.sellerCost === null ? null : String(t.sellerCost)),
    ]),
    ...columns(writes.settlement?.balances ?? [], [
      (b) => b.accountId,
      (b) => b.asset,
      (b) => String(b.balance.available),
      (b) => String(b.balance.held),
      (b) => String(b.balance.costBasis),
    ]),
    ...ledgerColumns(writes.settlement?.outcome.ledger ?? []),
    ...columns(writes.totals, [
      (t) => t.symbol,
      (t) => t.trades,
      (t) => t.volume,
      (t) => String(t.turnover),
      (t) => t.events,
      (t) => t.lastPrice,
      (t) => t.lastSequence,
    ]),
    // Added last, so that the parameters before keep their numbers: $68 to $72, then $73.
    ...columns(orders, [
      (row) => text(row.change?.data.protection_price),
      (row) => text(row.change?.data.trailing_offset),
      (row) => row.change?.data.triggered_at ?? null,
      (row) => text(row.hold?.holdPrice),
      (row) => row.hold?.amendsAnswered ?? null,
    ]),
    arrayLiteral(writes.totals.map((t) => t.storedSequence)), // $73
    arrayLiteral(orders.map((row) => text(row.change?.data.filled_value_added))), // $74
    arrayLiteral(announced.channels), // $75
    arrayLiteral(announced.payloads), // $76
    arrayLiteral(writes.trades.map((t) => t.auction)), // $77
    arrayLiteral(orders.map((row) => row.change?.data.expires_on ?? null)), // $78
  ];
}
