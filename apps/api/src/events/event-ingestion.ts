import { Inject, Injectable } from '@nestjs/common';
import type { EngineEvent } from '@bolsa/contracts';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/** An engine event with the id it was stored under: its place in every live stream. */
export interface StoredEvent {
  readonly id: number;
  readonly event: EngineEvent;
}

const MINUTE = 60_000;

/** The order an event is about, if it is about one. */
function orderIdOf(event: EngineEvent): string | null {
  return 'orderId' in event ? event.orderId : null;
}

/**
 * Stores engine events and applies them to orders, trades, candles and the L2 book, all in one transaction per
 * batch. Each event is inserted keyed by (symbol, sequence) and applied only if that insert was new, so a
 * redelivered batch changes nothing.
 */
@Injectable()
export class EventIngestion {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Returns the events that were new, in order, with their stream ids. */
  async ingest(events: readonly EngineEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    return this.prisma.$transaction(
      async (tx) => {
        const fresh: StoredEvent[] = [];
        for (const event of events) {
          const inserted = await tx.$queryRaw<{ id: bigint }[]>`
            INSERT INTO engine_events (symbol, sequence, type, order_id, trace_id, payload, occurred_at)
            VALUES (${event.symbol}, ${event.sequence}, ${event.type}, ${orderIdOf(event)}::uuid, ${event.traceId},
                    ${JSON.stringify(event)}::jsonb, ${new Date(event.timestamp)})
            ON CONFLICT DO NOTHING
            RETURNING id`;
          const row = inserted[0];
          if (row === undefined) continue;
          await this.apply(tx, event);
          fresh.push({ id: Number(row.id), event });
        }
        return fresh;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  }

  private async apply(tx: Tx, event: EngineEvent): Promise<void> {
    switch (event.type) {
      case 'order_accepted':
        await this.order(tx, event, { status: 'open' }, ['pending']);
        return;
      case 'order_rejected':
        if (event.commandType === 'place_order') {
          await this.order(tx, event, { status: 'rejected', statusReason: event.reason }, ['pending']);
        }
        return;
      case 'order_updated': {
        const fields: Prisma.OrderUpdateManyMutationInput = {
          filledQuantity: BigInt(event.filledQuantity),
          quantity: BigInt(event.quantity),
          price: event.price === null ? null : BigInt(event.price),
          stopPrice: event.stopPrice === null ? null : BigInt(event.stopPrice),
        };
        if (event.filledQuantity > 0) fields.status = 'partially_filled';
        await this.order(tx, event, fields);
        return;
      }
      case 'order_filled':
        await this.order(tx, event, { status: 'filled', filledQuantity: BigInt(event.filledQuantity) });
        return;
      case 'order_cancelled':
        await this.order(tx, event, {
          status: 'cancelled',
          statusReason: event.reason,
          filledQuantity: BigInt(event.filledQuantity),
        });
        return;
      case 'order_expired':
        await this.order(tx, event, {
          status: 'expired',
          statusReason: 'end_of_day',
          filledQuantity: BigInt(event.filledQuantity),
        });
        return;
      case 'trade':
        await this.trade(tx, event);
        return;
      case 'level_changed':
        await this.level(tx, event);
        return;
      case 'stop_triggered':
        return;
    }
  }

  /** Applies a change to an order unless a later event already did (and only from the given statuses). */
  private async order(
    tx: Tx,
    event: EngineEvent & { orderId: string },
    data: Prisma.OrderUpdateManyMutationInput,
    fromStatuses?: string[],
  ): Promise<void> {
    await tx.order.updateMany({
      where: {
        id: event.orderId,
        lastSequence: { lt: event.sequence },
        ...(fromStatuses === undefined ? {} : { status: { in: fromStatuses } }),
      },
      data: { ...data, lastSequence: event.sequence },
    });
  }

  private async trade(tx: Tx, event: Extract<EngineEvent, { type: 'trade' }>): Promise<void> {
    await tx.trade.create({
      data: {
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
      },
    });
    const openTime = new Date(Math.floor(event.timestamp / MINUTE) * MINUTE);
    await tx.$executeRaw`
      INSERT INTO candles (symbol, open_time, open, high, low, close, volume, trades)
      VALUES (${event.symbol}, ${openTime}, ${event.price}, ${event.price}, ${event.price}, ${event.price}, ${event.quantity}, 1)
      ON CONFLICT (symbol, open_time) DO UPDATE SET
        high = GREATEST(candles.high, EXCLUDED.high),
        low = LEAST(candles.low, EXCLUDED.low),
        close = EXCLUDED.close,
        volume = candles.volume + EXCLUDED.volume,
        trades = candles.trades + 1`;
  }

  private async level(tx: Tx, event: Extract<EngineEvent, { type: 'level_changed' }>): Promise<void> {
    if (event.quantity === 0) {
      await tx.bookLevel.deleteMany({ where: { symbol: event.symbol, side: event.side, price: BigInt(event.price) } });
      return;
    }
    const values = { quantity: BigInt(event.quantity), orderCount: event.orderCount, sequence: event.sequence };
    await tx.bookLevel.upsert({
      where: { symbol_side_price: { symbol: event.symbol, side: event.side, price: BigInt(event.price) } },
      create: { symbol: event.symbol, side: event.side, price: BigInt(event.price), ...values },
      update: values,
    });
  }
}
