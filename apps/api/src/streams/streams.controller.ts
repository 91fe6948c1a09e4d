import { Controller, Get, Inject, Param, Req, Res, UseGuards } from '@nestjs/common';
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
  market(@Param('symbol') symbol: string, @Res() reply: FastifyReply) {
    const instrument = this.instruments.require(symbol);
    return this.open(reply, 'market', this.streams.market(instrument.symbol));
  }

  @Get('orders')
  @UseGuards(AuthGuard)
  orders(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply) {
    return this.open(reply, 'orders', this.streams.orders(callerOf(request).accountId));
  }

  /** The caller's order updates, fills, wallet changes and price alerts set off. */
  @Get('me')
  @UseGuards(AuthGuard)
  me(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply) {
    return this.open(reply, 'me', this.streams.me(callerOf(request).accountId));
  }

  /** Every instrument's ticker, for the market overview: public, as market data is. */
  @Get('tickers')
  tickers(@Res() reply: FastifyReply) {
    return this.open(reply, 'tickers', this.streams.tickers());
  }

  /** Every trade on the exchange, for the admins' live trade panel. */
  @Get('trades')
  @UseGuards(AuthGuard, AdminGuard)
  trades(@Res() reply: FastifyReply) {
    return this.open(reply, 'trades', this.streams.trades());
  }

  private async open(reply: FastifyReply, stream: string, source: StreamSource) {
    const resume = { after: lastEventIdOf(reply), newestId: () => this.streams.newestEventId() };
    reply.hijack();
    this.metrics.sseClients.inc({ stream });
    await serveStream(
      reply.raw,
      source,
      resume,
      this.config.streams,
      (reason) => {
        this.metrics.sseClients.dec({ stream });
        if (reason === 'slow') this.metrics.sseDropped.inc({ stream });
        if (reason === 'failed') this.metrics.sseFailed.inc({ stream });
      },
      () => this.metrics.sseResyncs.inc({ stream }),
    );
  }
}

/**
 * Where a client resumes: the Last-Event-ID header an EventSource sends when it reconnects by itself, or else the
 * `lastEventId` query parameter, which a client that had to open a new EventSource (after an error answer, when the
 * API was away) sets itself, since a new EventSource sends no header.
 */
function lastEventIdOf(reply: FastifyReply): number | null {
  const { headers, query } = reply.request;
  const fromQuery = (query as Record<string, unknown> | undefined)?.['lastEventId'];
  return (
    parseLastEventId(headers['last-event-id']) ??
    parseLastEventId(typeof fromQuery === 'string' ? fromQuery : undefined)
  );
}
