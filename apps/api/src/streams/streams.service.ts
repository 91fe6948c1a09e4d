import { Inject, Injectable } from '@nestjs/common';
import { formatCents, formatQuantity, type EngineEvent, type TradeView } from '@bolsa/contracts';
import { PrismaService } from '../database/prisma.service.js';
import { EventBus } from '../events/event-bus.js';
import type { StoredEvent } from '../events/event-ingestion.js';
import { MarketDataService } from '../markets/market-data.service.js';
import { toOrderView } from '../orders/order-view.js';
import type { SseMessage, StreamSource } from './sse.js';

type Trade = Extract<EngineEvent, { type: 'trade' }>;

export function tradeView(event: Trade): TradeView {
  return {
    tradeId: event.tradeId,
    symbol: event.symbol,
    price: formatCents(event.price),
    quantity: formatQuantity(event.quantity),
    aggressorSide: event.aggressorSide,
    executedAt: new Date(event.timestamp).toISOString(),
    sequence: event.sequence,
  };
}

const TICKER_EVERY_MS = 1000;

/** The three live streams: one market, one trader's own orders, and every trade. */
@Injectable()
export class StreamsService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(MarketDataService) private readonly markets: MarketDataService,
  ) {}

  /** Trades, L2 deltas and (at most once a second, after trades) the ticker of one symbol. */
  market(symbol: string): StreamSource {
    let tickerDue = 0;
    return {
      live: this.bus.events,
      accepts: ({ event }) => event.symbol === symbol && (event.type === 'trade' || event.type === 'level_changed'),
      replay: (afterId, limit) => this.stored({ symbol, type: { in: ['trade', 'level_changed'] } }, afterId, limit),
      render: async ({ id, event }) => {
        if (event.type === 'level_changed') {
          const data = {
            symbol,
            side: event.side,
            price: formatCents(event.price),
            quantity: formatQuantity(event.quantity),
            orderCount: event.orderCount,
            sequence: event.sequence,
          };
          return [{ id, event: 'level', data }];
        }
        if (event.type !== 'trade') return [];
        const messages: SseMessage[] = [{ id, event: 'trade', data: tradeView(event) }];
        if (Date.now() >= tickerDue) {
          tickerDue = Date.now() + TICKER_EVERY_MS;
          messages.push({ event: 'ticker', data: await this.markets.ticker(symbol) });
        }
        return messages;
      },
    };
  }

  /** The caller's own orders as they change, and the fills they take part in. */
  orders(accountId: string): StreamSource {
    const mine = ({ event }: StoredEvent) =>
      event.type === 'trade'
        ? event.makerAccountId === accountId || event.takerAccountId === accountId
        : 'accountId' in event && event.accountId === accountId && event.type !== 'stop_triggered';
    return {
      live: this.bus.events,
      accepts: mine,
      replay: async (afterId, limit) => {
        const rows = await this.prisma.$queryRaw<{ id: bigint; payload: EngineEvent }[]>`
          SELECT id, payload FROM engine_events
           WHERE id > ${afterId}
             AND (payload->>'accountId' = ${accountId} OR payload->>'makerAccountId' = ${accountId}
                  OR payload->>'takerAccountId' = ${accountId})
           ORDER BY id LIMIT ${limit}`;
        return rows.map((row) => ({ id: Number(row.id), event: row.payload })).filter(mine);
      },
      render: async ({ id, event }) => {
        if (event.type === 'trade') {
          const fills: SseMessage[] = [];
          if (event.makerAccountId === accountId) {
            fills.push({
              id,
              event: 'fill',
              data: {
                ...tradeView(event),
                orderId: event.makerOrderId,
                side: event.aggressorSide === 'buy' ? 'sell' : 'buy',
                role: 'maker',
              },
            });
          }
          if (event.takerAccountId === accountId) {
            fills.push({
              id,
              event: 'fill',
              data: { ...tradeView(event), orderId: event.takerOrderId, side: event.aggressorSide, role: 'taker' },
            });
          }
          return fills;
        }
        if (!('orderId' in event)) return [];
        const order = await this.prisma.order.findUnique({ where: { id: event.orderId } });
        return order === null ? [] : [{ id, event: 'order', data: { change: event.type, order: toOrderView(order) } }];
      },
    };
  }

  /** Every trade on the exchange. */
  trades(): StreamSource {
    return {
      live: this.bus.events,
      accepts: ({ event }) => event.type === 'trade',
      replay: (afterId, limit) => this.stored({ type: 'trade' }, afterId, limit),
      render: ({ id, event }) => (event.type === 'trade' ? [{ id, event: 'trade', data: tradeView(event) }] : []),
    };
  }

  private async stored(
    where: { symbol?: string; type: string | { in: string[] } },
    afterId: number,
    limit: number,
  ): Promise<StoredEvent[]> {
    const rows = await this.prisma.engineEvent.findMany({
      where: { ...where, id: { gt: BigInt(afterId) } },
      orderBy: { id: 'asc' },
      take: limit,
      select: { id: true, payload: true },
    });
    return rows.map((row) => ({ id: Number(row.id), event: row.payload as unknown as EngineEvent }));
  }
}
