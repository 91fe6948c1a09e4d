import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { ClosedDayView, TradingCalendarView } from '@bolsa/contracts';
import { AdminGuard, AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { traceOf, type TracedRequest } from '../observability/trace.js';
import { SessionCloser } from './session-closer.js';
import { TradingCalendar } from './trading-calendar.js';

@Controller('api/admin')
@UseGuards(AuthGuard, AdminGuard)
export class SessionsController {
  constructor(
    @Inject(SessionCloser) private readonly closer: SessionCloser,
    @Inject(TradingCalendar) private readonly calendar: TradingCalendar,
  ) {}

  /** Closes the trading day now: every DAY order expires. */
  @Post('end-of-day')
  @HttpCode(202)
  endOfDay(@Req() request: AuthenticatedRequest & TracedRequest): Promise<ClosedDayView> {
    return this.closer.closeNow(callerOf(request).accountId, traceOf(request));
  }

  /** Reopens today, closed early by mistake: trading goes on until the closing time. The calendar as it is then. */
  @Post('end-of-day/reopening')
  @HttpCode(200)
  async reopen(@Req() request: AuthenticatedRequest & TracedRequest): Promise<TradingCalendarView> {
    await this.closer.reopen(callerOf(request).accountId, traceOf(request));
    return this.calendar.view();
  }
}
