import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { ClosedDayView } from '@bolsa/contracts';
import { AdminGuard, AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { traceOf, type TracedRequest } from '../observability/trace.js';
import { SessionCloser } from './session-closer.js';

@Controller('api/admin')
@UseGuards(AuthGuard, AdminGuard)
export class SessionsController {
  constructor(@Inject(SessionCloser) private readonly closer: SessionCloser) {}

  /** Closes the trading day now: every DAY order expires. */
  @Post('end-of-day')
  @HttpCode(202)
  endOfDay(@Req() request: AuthenticatedRequest & TracedRequest): Promise<ClosedDayView> {
    return this.closer.closeNow(callerOf(request).accountId, traceOf(request));
  }
}
