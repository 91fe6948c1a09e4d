import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import {
  CandleInterval,
  LAST_TRADE_SEQUENCE_HEADER,
  type BookView,
  type CandleView,
  type TickerView,
  type TradeView,
} from '@bolsa/contracts';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { boundedCount } from '../errors/query-params.js';
import { InstrumentRegistry } from './instrument-registry.js';
import { MarketDataService } from './market-data.service.js';

@Controller('api/markets/:symbol')
export class MarketsController {
  constructor(
    @Inject(MarketDataService) private readonly data: MarketDataService,
    @Inject(InstrumentRegistry) private readonly instruments: InstrumentRegistry,
  ) {}

  @Get('book')
  book(@Param('symbol') symbol: string, @Query('depth') depth?: string): Promise<BookView> {
    return this.data.book(this.instruments.require(symbol).symbol, boundedCount('depth', depth, 10, 100));
  }

  @Get('trades')
  trades(@Param('symbol') symbol: string, @Query('limit') limit?: string): Promise<TradeView[]> {
    return this.data.trades(this.instruments.require(symbol).symbol, boundedCount('limit', limit, 50, 500));
  }

  /** The candles, and in `x-last-trade-sequence` the engine sequence of the last trade they count (0 before one). */
  @Get('candles')
  async candles(
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('symbol') symbol: string,
    @Query('interval') interval = '1m',
    @Query('limit') limit?: string,
  ): Promise<CandleView[]> {
    const parsed = CandleInterval.safeParse(interval);
    if (!parsed.success) {
      throw ApiError.validation([{ field: 'interval', code: 'invalid', message: 'interval must be 1m, 5m or 1h' }]);
    }
    const { candles, throughSequence } = await this.data.candles(
      this.instruments.require(symbol).symbol,
      parsed.data,
      boundedCount('limit', limit, 300, 1000),
    );
    void reply.header(LAST_TRADE_SEQUENCE_HEADER, String(throughSequence));
    return candles;
  }

  @Get('ticker')
  ticker(@Param('symbol') symbol: string): Promise<TickerView> {
    return this.data.ticker(this.instruments.require(symbol).symbol);
  }
}
