import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import {
  SuspendAccountRequest,
  type AdminAccountsPage,
  type AdminAccountView,
  type SuspendedAccountView,
} from '@bolsa/contracts';
import { AdminGuard, AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { parseBody } from '../errors/parse-body.js';
import { oneOf } from '../errors/query-params.js';
import { traceOf, type TracedRequest } from '../observability/trace.js';
import { AccountSuspensions } from './account-suspensions.js';

type Request = AuthenticatedRequest & TracedRequest;

/** Accounts for administrators: finding one, what it has, and suspending it (compliance, disputes, fraud). */
@Controller('api/admin/accounts')
@UseGuards(AuthGuard, AdminGuard)
export class AdminAccountsController {
  constructor(@Inject(AccountSuspensions) private readonly suspensions: AccountSuspensions) {}

  @Get()
  list(
    @Query('search') search?: string,
    @Query('status') status?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<AdminAccountsPage> {
    const suspendedOnly = oneOf('status', status, ['all', 'suspended'] as const) === 'suspended';
    return this.suspensions.list({ search, suspendedOnly, cursor, limit });
  }

  @Get(':id')
  view(@Param('id') id: string): Promise<AdminAccountView> {
    return this.suspensions.view(id);
  }

  @Post(':id/suspension')
  @HttpCode(200)
  suspend(@Req() request: Request, @Param('id') id: string, @Body() body: unknown): Promise<SuspendedAccountView> {
    const { reason } = parseBody(SuspendAccountRequest, body);
    return this.suspensions.suspend(callerOf(request).accountId, id, reason, traceOf(request));
  }

  @Delete(':id/suspension')
  reinstate(@Req() request: Request, @Param('id') id: string): Promise<AdminAccountView> {
    return this.suspensions.reinstate(callerOf(request).accountId, id, traceOf(request));
  }
}
