import { Inject, Injectable } from '@nestjs/common';
import type { EngineEvent } from '@bolsa/contracts';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;
type Trade = Extract<EngineEvent, { type: 'trade' }>;
type Level = Extract<EngineEvent, { type: 'level_changed' }>;

/** An engine event with the id it was stored under: its place in every live stream. */
export interface StoredEvent {
  readonly id: number;
  readonly event: EngineEvent;
}

const MINUTE = 60_000;

/** What a run of events does to one order: the fields it leaves, and whether it only applies to a pending order. */
interface OrderChange {
  data: Prisma.OrderUpdateManyMutationInput;
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
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Returns the events that were new, in order, with their stream ids. */
  async ingest(events: readonly EngineEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    return this.prisma.$transaction(
      async (tx) => {
        const fresh = await this.insertNew(tx, events);
        if (fresh.length === 0) return fresh;
        const plainEvents = fresh.map((stored) => stored.event);
        await this.applyToOrders(tx, plainEvents);
        await this.recordTrades(
          tx,
          plainEvents.filter((event): event is Trade => event.type === 'trade'),
        );
        await this.applyToBook(
          tx,
          plainEvents.filter((event): event is Level => event.type === 'level_changed'),
        );
        return fresh;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  }

  private async insertNew(tx: Tx, events: readonly EngineEvent[]): Promise<StoredEvent[]> {
    const rows = events.map(
      (event) =>
        Prisma.sql`(${event.symbol}, ${event.sequence}, ${event.type}, ${orderIdOf(event)}::uuid, ${event.traceId},
                    ${JSON.stringify(event)}::jsonb, ${new Date(event.timestamp)})`,
    );
    const inserted = await tx.$queryRaw<{ id: bigint; symbol: string; sequence: number }[]>`
      INSERT INTO engine_events (symbol, sequence, type, order_id, trace_id, payload, occurred_at)
      VALUES ${Prisma.join(rows)}
      ON CONFLICT DO NOTHING
      RETURNING id, symbol, sequence`;
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
    const change = (
      event: EngineEvent & { orderId: string },
      data: Prisma.OrderUpdateManyMutationInput,
      onlyIfPending = false,
    ) => {
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
            change(event, { status: 'rejected', statusReason: event.reason }, true);
          break;
        case 'order_updated':
          change(event, {
            filledQuantity: BigInt(event.filledQuantity),
            quantity: BigInt(event.quantity),
            price: event.price === null ? null : BigInt(event.price),
            stopPrice: event.stopPrice === null ? null : BigInt(event.stopPrice),
            ...(event.filledQuantity > 0 ? { status: 'partially_filled' } : {}),
          });
          break;
        case 'order_filled':
          change(event, { status: 'filled', filledQuantity: BigInt(event.filledQuantity) });
          break;
        case 'order_cancelled':
          change(event, {
            status: 'cancelled',
            statusReason: event.reason,
            filledQuantity: BigInt(event.filledQuantity),
          });
          break;
        case 'order_expired':
          change(event, {
            status: 'expired',
            statusReason: 'end_of_day',
            filledQuantity: BigInt(event.filledQuantity),
          });
          break;
        default:
          break;
      }
    }
    for (const [orderId, { data, lastSequence, onlyIfPending }] of changes) {
      await tx.order.updateMany({
        where: { id: orderId, lastSequence: { lt: lastSequence }, ...(onlyIfPending ? { status: 'pending' } : {}) },
        data: { ...data, lastSequence },
      });
    }
  }

  private async recordTrades(tx: Tx, trades: readonly Trade[]): Promise<void> {
    if (trades.length === 0) return;
    await tx.trade.createMany({
      data: trades.map((event) => ({
        id: event.tradeId,
        symbol: event.symbol,
        sequence: event.sequence,
        price: BigInt(event.price),
        quantity: BigInt(event.quantity),
        aggressorSide: event.aggressorSide,
        makerOrderId: event.makerOrderId,
        takerOrderId: event.takerOrderId,
        makerAccountId: event.makerAccountId,
        takerAccountId: event.takerAccountId,
        traceId: event.traceId,
        executedAt: new Date(event.timestamp),
      })),
    });
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
      await tx.$executeRaw`
        INSERT INTO candles (symbol, open_time, open, high, low, close, volume, trades)
        VALUES (${candle.symbol}, ${candle.openTime}, ${candle.open}, ${candle.high}, ${candle.low}, ${candle.close},
                ${candle.volume}, ${candle.trades})
        ON CONFLICT (symbol, open_time) DO UPDATE SET
          high = GREATEST(candles.high, EXCLUDED.high),
          low = LEAST(candles.low, EXCLUDED.low),
          close = EXCLUDED.close,
          volume = candles.volume + EXCLUDED.volume,
          trades = candles.trades + EXCLUDED.trades`;
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
      await tx.$executeRaw`
        DELETE FROM book_levels WHERE (symbol, side, price) IN
          (${Prisma.join(empty.map((event) => Prisma.sql`(${event.symbol}, ${event.side}, ${event.price}::bigint)`))})`;
    }
    if (filled.length > 0) {
      await tx.$executeRaw`
        INSERT INTO book_levels (symbol, side, price, quantity, order_count, sequence)
        VALUES ${Prisma.join(
          filled.map(
            (event) =>
              Prisma.sql`(${event.symbol}, ${event.side}, ${event.price}::bigint, ${event.quantity}::bigint, ${event.orderCount}, ${event.sequence})`,
          ),
        )}
        ON CONFLICT (symbol, side, price) DO UPDATE SET
          quantity = EXCLUDED.quantity, order_count = EXCLUDED.order_count, sequence = EXCLUDED.sequence`;
    }
  }
}
