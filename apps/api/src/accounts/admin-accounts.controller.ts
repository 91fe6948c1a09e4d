import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import {
  EndSessionsRequest,
  RevokeApiKeyRequest,
  SuspendAccountRequest,
  type AdminAccountsPage,
  type AdminAccountView,
  type SuspendedAccountView,
} from '@bolsa/contracts';
import { AdminGuard, AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { parseBody } from '../errors/parse-body.js';
import { oneOf } from '../errors/query-params.js';
import { traceOf, type TracedRequest } from '../observability/trace.js';
import { AccountSessions } from './account-sessions.js';
import { AccountSuspensions } from './account-suspensions.js';
import { ApiKeysService } from './api-keys.service.js';

type Request = AuthenticatedRequest & TracedRequest;

/**
 * Accounts for administrators: finding one, what it has, suspending it (compliance, disputes, fraud), revoking one
 * of its API keys, and ending its browser sessions.
 */
@Controller('api/admin/accounts')
@UseGuards(AuthGuard, AdminGuard)
export class AdminAccountsController {
  constructor(
    @Inject(AccountSuspensions) private readonly suspensions: AccountSuspensions,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(AccountSessions) private readonly accountSessions: AccountSessions,
  ) {}

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

  @Post(':id/api-keys/:keyId/revocation')
  @HttpCode(200)
  async revokeKey(
    @Req() request: Request,
    @Param('id') id: string,
    @Param('keyId') keyId: string,
    @Body() body: unknown,
  ): Promise<AdminAccountView> {
    const { reason } = parseBody(RevokeApiKeyRequest, body);
    const { accountId } = await this.suspensions.account(id);
    await this.keys.revokeForAdmin(callerOf(request).accountId, accountId, keyId, reason, traceOf(request));
    return this.suspensions.view(id);
  }

  @Post(':id/sessions/end')
  @HttpCode(200)
  async endSessions(
    @Req() request: Request,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<AdminAccountView> {
    const { reason } = parseBody(EndSessionsRequest, body);
    const { accountId } = await this.suspensions.account(id);
    await this.accountSessions.endAll(callerOf(request).accountId, accountId, reason, traceOf(request));
    return this.suspensions.view(id);
  }
}
