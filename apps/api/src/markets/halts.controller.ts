import { Controller, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { TradingStatusView } from '@bolsa/contracts';
import { AdminGuard, AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { traceOf, type TracedRequest } from '../observability/trace.js';
import { TradingHalts } from './trading-halts.js';

type Request = AuthenticatedRequest & TracedRequest;

/** Administrators suspend and resume trading in an instrument, or in all of them at once (a circuit breaker). */
@Controller('api/admin/markets')
@UseGuards(AuthGuard, AdminGuard)
export class HaltsController {
  constructor(@Inject(TradingHalts) private readonly halts: TradingHalts) {}

  @Post(':symbol/halt')
  @HttpCode(200)
  halt(@Param('symbol') symbol: string, @Req() request: Request): Promise<TradingStatusView> {
    return this.halts.halt(callerOf(request).accountId, symbol, traceOf(request));
  }

  @Post(':symbol/resume')
  @HttpCode(200)
  resume(@Param('symbol') symbol: string, @Req() request: Request): Promise<TradingStatusView> {
    return this.halts.resume(callerOf(request).accountId, symbol, traceOf(request));
  }

  @Post('halt')
  @HttpCode(200)
  haltAll(@Req() request: Request): Promise<TradingStatusView[]> {
    return this.halts.everywhere('halt', callerOf(request).accountId, traceOf(request));
  }

  @Post('resume')
  @HttpCode(200)
  resumeAll(@Req() request: Request): Promise<TradingStatusView[]> {
    return this.halts.everywhere('resume', callerOf(request).accountId, traceOf(request));
  }
}
