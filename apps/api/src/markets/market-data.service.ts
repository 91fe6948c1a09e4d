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
import { PrismaService } from '../database/prisma.service.js';

const BUCKETS: Record<CandleInterval, string> = { '1m': '1 minute', '5m': '5 minutes', '1h': '1 hour' };
const DAY = 24 * 60 * 60 * 1000;

interface CandleRow {
  open_time: Date;
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
  volume: bigint;
  trades: bigint | number;
}

/** Market data read from what the engine events left in PostgreSQL. */
@Injectable()
export class MarketDataService {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async book(symbol: string, depth: number): Promise<BookView> {
    const [bids, asks, latest] = await Promise.all([
      this.prisma.bookLevel.findMany({ where: { symbol, side: 'buy' }, orderBy: { price: 'desc' }, take: depth }),
      this.prisma.bookLevel.findMany({ where: { symbol, side: 'sell' }, orderBy: { price: 'asc' }, take: depth }),
      this.prisma.engineEvent.aggregate({ where: { symbol }, _max: { sequence: true } }),
    ]);
    const level = (row: (typeof bids)[number]) => ({
      price: formatCents(Number(row.price)),
      quantity: formatQuantity(Number(row.quantity)),
      orderCount: row.orderCount,
    });
    return { symbol, bids: bids.map(level), asks: asks.map(level), sequence: latest._max.sequence ?? 0 };
  }

  async trades(symbol: string, limit: number): Promise<TradeView[]> {
    const rows = await this.prisma.trade.findMany({ where: { symbol }, orderBy: { sequence: 'desc' }, take: limit });
    return rows.map((row) => ({
      tradeId: row.id,
      symbol: row.symbol,
      price: formatCents(Number(row.price)),
      quantity: formatQuantity(Number(row.quantity)),
      aggressorSide: row.aggressorSide as Side,
      executedAt: row.executedAt.toISOString(),
      sequence: row.sequence,
    }));
  }

  /** One-minute candles as stored, or rolled up to 5 minutes / 1 hour; oldest first. */
  async candles(symbol: string, interval: CandleInterval, limit: number): Promise<CandleView[]> {
    const rows = await this.prisma.$queryRawUnsafe<CandleRow[]>(
      `SELECT date_bin($2::interval, open_time, TIMESTAMP '2000-01-01') AS open_time,
              (array_agg(open ORDER BY open_time))[1] AS open, max(high) AS high, min(low) AS low,
              (array_agg(close ORDER BY open_time DESC))[1] AS close, sum(volume)::bigint AS volume,
              sum(trades)::int AS trades
         FROM candles WHERE symbol = $1
        GROUP BY 1 ORDER BY 1 DESC LIMIT $3`,
      symbol,
      BUCKETS[interval],
      limit,
    );
    return rows.reverse().map((row) => ({
      openTime: row.open_time.toISOString(),
      open: formatCents(Number(row.open)),
      high: formatCents(Number(row.high)),
      low: formatCents(Number(row.low)),
      close: formatCents(Number(row.close)),
      volume: formatQuantity(Number(row.volume)),
      trades: Number(row.trades),
    }));
  }

  async ticker(symbol: string, now = Date.now()): Promise<TickerView> {
    const since = new Date(now - DAY);
    const [first, last, totals] = await Promise.all([
      this.prisma.trade.findFirst({ where: { symbol, executedAt: { gte: since } }, orderBy: { sequence: 'asc' } }),
      this.prisma.trade.findFirst({ where: { symbol }, orderBy: { sequence: 'desc' } }),
      this.prisma.trade.aggregate({
        where: { symbol, executedAt: { gte: since } },
        _sum: { quantity: true },
        _max: { price: true },
        _min: { price: true },
        _count: true,
      }),
    ]);
    const cents = (value: bigint | null | undefined) =>
      value === null || value === undefined ? null : formatCents(Number(value));
    const change = first !== null && last !== null ? Number(last.price - first.price) : null;
    return {
      symbol,
      last: cents(last?.price),
      open: cents(first?.price),
      change: change === null ? null : formatCents(change),
      changePercent: change === null || first === null ? null : ((change / Number(first.price)) * 100).toFixed(2),
      high: cents(totals._max.price),
      low: cents(totals._min.price),
      volume: formatQuantity(Number(totals._sum.quantity ?? 0n)),
      trades: totals._count,
    };
  }
}
