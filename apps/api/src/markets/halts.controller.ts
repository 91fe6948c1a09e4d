import { Body, Controller, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { HaltTradingRequest, type TradingStatusView } from '@bolsa/contracts';
import { AdminGuard, AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { parseBody } from '../errors/parse-body.js';
import { traceOf, type TracedRequest } from '../observability/trace.js';
import { TradingHalts } from './trading-halts.js';

type Request = AuthenticatedRequest & TracedRequest;

/**
 * Administrators suspend trading in an instrument, or in all of them at once (a circuit breaker), saying why, and
 * resume it.
 */
@Controller('api/admin/markets')
@UseGuards(AuthGuard, AdminGuard)
export class HaltsController {
  constructor(@Inject(TradingHalts) private readonly halts: TradingHalts) {}

  @Post(':symbol/halt')
  @HttpCode(200)
  halt(@Param('symbol') symbol: string, @Req() request: Request, @Body() body: unknown): Promise<TradingStatusView> {
    const { reason } = parseBody(HaltTradingRequest, body);
    return this.halts.halt(callerOf(request).accountId, symbol, reason, traceOf(request));
  }

  @Post(':symbol/resume')
  @HttpCode(200)
  resume(@Param('symbol') symbol: string, @Req() request: Request): Promise<TradingStatusView> {
    return this.halts.resume(callerOf(request).accountId, symbol, traceOf(request));
  }

  @Post('halt')
  @HttpCode(200)
  haltAll(@Req() request: Request, @Body() body: unknown): Promise<TradingStatusView[]> {
    const { reason } = parseBody(HaltTradingRequest, body);
    return this.halts.haltAll(callerOf(request).accountId, reason, traceOf(request));
  }

  @Post('resume')
  @HttpCode(200)
  resumeAll(@Req() request: Request): Promise<TradingStatusView[]> {
    return this.halts.resumeAll(callerOf(request).accountId, traceOf(request));
  }
}
