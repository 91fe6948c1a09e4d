import { Controller, Get, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { MonthlyTradesView, MyTradeView, OrderView } from '@bolsa/contracts';
import type { FastifyReply } from 'fastify';
import { AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { decodeCursor, encodeCursor, oneOf, orderIdParam, pageLimit, timeRange } from '../errors/query-params.js';
import { asCsvDownload, csvFile } from '../http/csv-file.js';
import { HistoryStore, type TradeFilter } from './history.store.js';
import { checkedSymbol, orderPage, type Page } from './order-pages.js';

const CSV_COLUMNS = [
  'trade_id',
  'executed_at',
  'symbol',
  'side',
  'role',
  'quantity',
  'price',
  'notional',
  'fee',
  'order_id',
  'realized_profit',
] as const;

/** A trader's history: orders and trades with filters and cursors, and trades as CSV for an accountant. */
@Controller('api/me')
@UseGuards(AuthGuard)
export class HistoryController {
  constructor(
    @Inject(HistoryStore) private readonly history: HistoryStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** The last 24 months with trades, newest first: bought, sold, fees and realized profit, for the tax return. */
  @Get('trades/monthly')
  monthly(@Req() request: AuthenticatedRequest): Promise<MonthlyTradesView[]> {
    return this.history.monthly(callerOf(request).accountId, this.config.marketTimeZone, 24);
  }

  @Get('orders')
  orders(
    @Req() request: AuthenticatedRequest,
    @Query('status') status?: string,
    @Query('symbol') symbol?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
    @Query('clientOrderId') clientOrderId?: string,
  ): Promise<Page<OrderView>> {
    return orderPage(this.history, callerOf(request).accountId, { status, symbol, cursor, limit, clientOrderId });
  }

  /** JSON pages, or with `format=csv` every matching trade as one CSV file. */
  @Get('trades')
  async trades(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('symbol') symbol?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
    @Query('format') format?: string,
    @Query('orderId') orderId?: string,
  ): Promise<Page<MyTradeView> | string> {
    const accountId = callerOf(request).accountId;
    const filter = {
      symbol: checkedSymbol(symbol),
      orderId: orderIdParam(orderId),
      ...timeRange(from, to),
    };
    if (oneOf('format', format, ['json', 'csv'] as const) === 'csv') {
      asCsvDownload(reply, 'bolsa-trades.csv');
      return this.csv(accountId, filter);
    }
    const size = pageLimit(limit);
    const position = decodeCursor(cursor, ['time', 'tradeId', 'role']);
    const items = await this.history.trades(accountId, {
      ...filter,
      before:
        position === undefined
          ? undefined
          : { executedAt: new Date(position[0]!), tradeId: position[1]!, role: position[2]! },
      limit: size,
    });
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        items.length === size && last !== undefined ? encodeCursor([last.executedAt, last.tradeId, last.role]) : null,
    };
  }

  private csv(accountId: string, filter: Omit<TradeFilter, 'before' | 'limit'>): Promise<string> {
    return csvFile(
      CSV_COLUMNS,
      (before: TradeFilter['before'], limit) => this.history.trades(accountId, { ...filter, before, limit }),
      (last) => ({ executedAt: new Date(last.executedAt), tradeId: last.tradeId, role: last.role }),
      (trade) => [
        trade.tradeId,
        trade.executedAt,
        trade.symbol,
        trade.side,
        trade.role,
        trade.quantity,
        trade.price,
        trade.notional,
        trade.fee,
        trade.orderId,
        trade.realizedProfit,
      ],
    );
  }
}
