import { Inject, Injectable } from '@nestjs/common';
import {
  formatCents,
  formatQuantity,
  type BookView,
  type CandleInterval,
  type CandleView,
  type Side,
  type TickerView,
  type TradeView,
} from '@bolsa/contracts';
import { auctionUncross } from '@bolsa/order-book/auction-price';
import { SqlPool } from '../database/sql-pool.js';
import { SESSION_CLOSED_AT_SQL } from '../sessions/trading-clock.js';
import { InstrumentRegistry } from './instrument-registry.js';

const BUCKETS: Record<CandleInterval, string> = { '1m': '1 minute', '5m': '5 minutes', '1h': '1 hour' };
const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;

interface CandleRow {
  through_sequence: number;
  open_time: Date;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  trades: number;
}

/** Market data read from what the engine events left in PostgreSQL. */
@Injectable()
export class MarketDataService {
  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(InstrumentRegistry) private readonly instruments: InstrumentRegistry,
  ) {}

  /**
   * Both sides and the sequence they are at, read in one statement and so from one snapshot: a client applies the
   * stream's level deltas after that sequence, so the levels and the sequence must agree.
   */
  async book(symbol: string, depth: number): Promise<BookView> {
    const { rows } = await this.sql.query<{ side: string; price: string; quantity: string; order_count: number }>(
      `(SELECT side, price, quantity, order_count FROM book_levels
         WHERE symbol = $1 AND side = 'buy' ORDER BY price DESC LIMIT $2)
       UNION ALL
       (SELECT side, price, quantity, order_count FROM book_levels
         WHERE symbol = $1 AND side = 'sell' ORDER BY price ASC LIMIT $2)
       UNION ALL
       (SELECT 'sequence', COALESCE(max(stored_sequence), 0), 0, 0 FROM market_totals WHERE symbol = $1)`,
      [symbol, depth],
    );
    const side = (name: string, direction: 1 | -1) =>
      rows
        .filter((row) => row.side === name)
        .sort((a, b) => direction * (Number(a.price) - Number(b.price)))
        .map((row) => ({
          price: formatCents(Number(row.price)),
          quantity: formatQuantity(Number(row.quantity)),
          orderCount: row.order_count,
        }));
    const sequence = Number(rows.find((row) => row.side === 'sequence')?.price ?? 0);
    const bids = side('buy', -1);
    const asks = side('sell', 1);
    // Decimal strings of two places, so their numbers compare as the prices do.
    const crossed = bids[0] !== undefined && asks[0] !== undefined && Number(bids[0].price) >= Number(asks[0].price);
    return { symbol, bids, asks, sequence, uncross: crossed ? await this.uncross(symbol) : null };
  }

  /**
   * Where a crossed book would uncross, by the engine's own rule, over every level that crosses and with its last
   * trade as the reference (the instrument's reference price before the first, as the engine does); read apart from
   * the depth asked, in one statement.
   */
  private async uncross(symbol: string): Promise<BookView['uncross']> {
    const { rows } = await this.sql.query<{ side: string; price: string; quantity: string }>(
      `WITH best AS (
         SELECT (SELECT max(price) FROM book_levels WHERE symbol = $1 AND side = 'buy') AS bid,
                (SELECT min(price) FROM book_levels WHERE symbol = $1 AND side = 'sell') AS ask)
       SELECT side, price, quantity FROM book_levels, best
        WHERE symbol = $1 AND ((side = 'buy' AND price >= best.ask) OR (side = 'sell' AND price <= best.bid))
       UNION ALL
       (SELECT 'last', price, 0 FROM trades WHERE symbol = $1 ORDER BY sequence DESC LIMIT 1)`,
      [symbol],
    );
    const levels = (name: string, direction: 1 | -1) =>
      rows
        .filter((row) => row.side === name)
        .map((row) => ({ price: Number(row.price), quantity: Number(row.quantity) }))
        .sort((a, b) => direction * (a.price - b.price));
    const last = rows.find((row) => row.side === 'last')?.price;
    const reference = last === undefined ? (this.instruments.require(symbol).referencePrice ?? 0) : Number(last);
    const found = auctionUncross(levels('buy', -1), levels('sell', 1), reference);
    if (found === null) return null;
    return {
      price: formatCents(found.price),
      quantity: formatQuantity(found.quantity),
      imbalance: formatQuantity(found.imbalance),
    };
  }

  async trades(symbol: string, limit: number): Promise<TradeView[]> {
    const { rows } = await this.sql.query<{
      id: string;
      price: string;
      quantity: string;
      aggressor_side: Side;
      executed_at: Date;
      sequence: number;
      auction: boolean;
    }>(
      `SELECT id, price, quantity, aggressor_side, executed_at, sequence, auction FROM trades
        WHERE symbol = $1 ORDER BY sequence DESC LIMIT $2`,
      [symbol, limit],
    );
    return rows.map((row) => ({
      tradeId: row.id,
      symbol,
      price: formatCents(Number(row.price)),
      quantity: formatQuantity(Number(row.quantity)),
      aggressorSide: row.aggressor_side,
      executedAt: row.executed_at.toISOString(),
      sequence: row.sequence,
      auction: row.auction,
    }));
  }

  /**
   * One-minute candles as stored, or rolled up to 5 minutes / 1 hour; oldest first. With them, the engine sequence of
   * the last trade they count, read in the same statement (ingestion stores a trade and its candle together): a
   * client that keeps the last candle up to date from live trades adds only those after it.
   */
  async candles(
    symbol: string,
    interval: CandleInterval,
    limit: number,
  ): Promise<{ candles: CandleView[]; throughSequence: number }> {
    const { rows } = await this.sql.query<CandleRow>(
      `SELECT date_bin($2::interval, open_time, TIMESTAMP '2000-01-01') AS open_time,
              (array_agg(open ORDER BY open_time))[1] AS open, max(high) AS high, min(low) AS low,
              (array_agg(close ORDER BY open_time DESC))[1] AS close, sum(volume)::bigint AS volume,
              sum(trades)::int AS trades,
              (SELECT coalesce(max(sequence), 0) FROM trades WHERE symbol = $1)::int AS through_sequence
         FROM candles WHERE symbol = $1
        GROUP BY 1 ORDER BY 1 DESC LIMIT $3`,
      [symbol, BUCKETS[interval], limit],
    );
    const candles = rows.reverse().map((row) => ({
      openTime: row.open_time.toISOString(),
      open: formatCents(Number(row.open)),
      high: formatCents(Number(row.high)),
      low: formatCents(Number(row.low)),
      close: formatCents(Number(row.close)),
      volume: formatQuantity(Number(row.volume)),
      trades: row.trades,
    }));
    return { candles, throughSequence: rows[0]?.through_sequence ?? 0 };
  }

  /** The price of the symbol's last trade in cents, or null before its first. */
  async lastPrice(symbol: string): Promise<number | null> {
    const { rows } = await this.sql.query<{ price: string }>({
      name: 'last_trade_price',
      text: 'SELECT price FROM trades WHERE symbol = $1 ORDER BY sequence DESC LIMIT 1',
      values: [symbol],
    });
    return rows[0] === undefined ? null : Number(rows[0].price);
  }

  /**
   * Last price; the open, high, low, volume and trade count of the session, from the last close of the day to `now`
   * (the last 24 hours while no day has been closed), in whole minutes (from the minute candles); and the previous
   * close to measure the change against (the close of the last minute before the session, or the reference price).
   * A day's close is when it was recorded, or its closing time if later (a close recorded ahead): the clock records
   * its close within a tick of the closing time, and an administrator who closes a day again moves it to then.
   * One statement, read from the candles rather than the trades, so it costs the same however busy the day was (a
   * million trades: 1.5 ms instead of ~650 ms).
   */
  async ticker(symbol: string, now = Date.now()): Promise<TickerView> {
    const { rows } = await this.sql.query<{
      last: string | null;
      previous_close: string | null;
      open: string | null;
      high: string | null;
      low: string | null;
      volume: string;
      trades: number;
      halted: boolean;
      halt_reason: string | null;
      reopens_at: Date | null;
      call_kind: 'reopening' | 'volatility' | null;
    }>(
      `WITH session AS (
         SELECT COALESCE(
                  (SELECT date_trunc('minute', max(${SESSION_CLOSED_AT_SQL})) FROM market_sessions
                    WHERE ${SESSION_CLOSED_AT_SQL} <= $2::timestamptz AT TIME ZONE 'UTC'),
                  date_trunc('minute', $3::timestamptz AT TIME ZONE 'UTC')) AS since
       ), day AS (
         SELECT open_time, open, high, low, volume, trades FROM candles, session
          WHERE symbol = $1 AND open_time >= session.since)
       SELECT (SELECT price FROM trades WHERE symbol = $1 ORDER BY sequence DESC LIMIT 1) AS last,
              (SELECT close FROM candles, session WHERE symbol = $1 AND open_time < session.since
                ORDER BY open_time DESC LIMIT 1) AS previous_close,
              (SELECT open FROM day ORDER BY open_time LIMIT 1) AS open,
              max(high) AS high, min(low) AS low, COALESCE(sum(volume), 0) AS volume,
              COALESCE(sum(trades), 0)::int AS trades,
              EXISTS (SELECT 1 FROM trading_halts WHERE symbol = $1) AS halted,
              (SELECT reason FROM trading_halts WHERE symbol = $1) AS halt_reason,
              (SELECT ends_at FROM reopening_calls
                WHERE symbol = $1 AND ends_at > $2::timestamptz AT TIME ZONE 'UTC') AS reopens_at,
              (SELECT kind FROM reopening_calls
                WHERE symbol = $1 AND ends_at > $2::timestamptz AT TIME ZONE 'UTC') AS call_kind
         FROM day`,
      [symbol, new Date(now).toISOString(), new Date(now - DAY + MINUTE).toISOString()],
    );
    const row = rows[0]!;
    const cents = (value: string | null) => (value === null ? null : formatCents(Number(value)));
    const previous =
      row.previous_close === null
        ? (this.instruments.require(symbol).referencePrice ?? null)
        : Number(row.previous_close);
    const change = previous !== null && previous > 0 && row.last !== null ? Number(row.last) - previous : null;
    return {
      symbol,
      last: cents(row.last),
      previousClose: previous === null ? null : formatCents(previous),
      open: cents(row.open),
      change: change === null ? null : formatCents(change),
      changePercent: change === null || previous === null ? null : ((change / previous) * 100).toFixed(2),
      high: cents(row.high),
      low: cents(row.low),
      volume: formatQuantity(Number(row.volume)),
      trades: row.trades,
      halted: row.halted,
      haltReason: row.halt_reason,
      reopensAt: row.reopens_at?.toISOString() ?? null,
      callAuction: row.call_kind,
    };
  }
}
