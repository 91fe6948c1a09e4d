import { Controller, Get, Headers, Inject, Param, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AdminGuard, AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { InstrumentRegistry } from '../markets/instrument-registry.js';
import { ApiMetrics } from '../observability/metrics.js';
import { parseLastEventId, serveStream, type StreamSource } from './sse.js';
import { StreamsService } from './streams.service.js';

@Controller('api/stream')
export class StreamsController {
  constructor(
    @Inject(StreamsService) private readonly streams: StreamsService,
    @Inject(InstrumentRegistry) private readonly instruments: InstrumentRegistry,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get('markets/:symbol')
  market(
    @Param('symbol') symbol: string,
    @Headers('last-event-id') last: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    const instrument = this.instruments.require(symbol);
    return this.open(reply, 'market', this.streams.market(instrument.symbol), last);
  }

  @Get('orders')
  @UseGuards(AuthGuard)
  orders(
    @Req() request: AuthenticatedRequest,
    @Headers('last-event-id') last: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    return this.open(reply, 'orders', this.streams.orders(callerOf(request).accountId), last);
  }

  /** The caller's order updates, fills and wallet changes. */
  @Get('me')
  @UseGuards(AuthGuard)
  me(
    @Req() request: AuthenticatedRequest,
    @Headers('last-event-id') last: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    return this.open(reply, 'me', this.streams.me(callerOf(request).accountId), last);
  }

  /** Every instrument's ticker, for the market overview: public, as market data is. */
  @Get('tickers')
  tickers(@Res() reply: FastifyReply) {
    return this.open(reply, 'tickers', this.streams.tickers(), undefined);
  }

  /** Every trade on the exchange, for the admins' live trade panel. */
  @Get('trades')
  @UseGuards(AuthGuard, AdminGuard)
  trades(@Headers('last-event-id') last: string | undefined, @Res() reply: FastifyReply) {
    return this.open(reply, 'trades', this.streams.trades(), last);
  }

  private async open(reply: FastifyReply, stream: string, source: StreamSource, last: string | undefined) {
    reply.hijack();
    this.metrics.sseClients.inc({ stream });
    await serveStream(reply.raw, source, parseLastEventId(last), this.config.streams, (reason) => {
      this.metrics.sseClients.dec({ stream });
      if (reason === 'slow') this.metrics.sseDropped.inc({ stream });
    });
  }
}
