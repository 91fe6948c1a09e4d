import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import {
  CreateAccountRequest,
  CreateApiKeyRequest,
  type AccountView,
  type ApiKeyView,
  type CreatedAccount,
  type CreatedApiKey,
} from '@bolsa/contracts';
import { AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { parseBody } from '../errors/parse-body.js';
import { traceOf, type TracedRequest } from '../observability/trace.js';
import { AccountsService } from './accounts.service.js';
import { ApiKeysService } from './api-keys.service.js';

type Request = AuthenticatedRequest & TracedRequest;

@Controller('api')
export class AccountsController {
  constructor(
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
  ) {}

  /** Signup for programs: answers with the first API key instead of a cookie. */
  @Post('accounts')
  @HttpCode(201)
  create(@Req() request: Request, @Body() body: unknown): Promise<CreatedAccount> {
    return this.accounts.createWithKey(parseBody(CreateAccountRequest, body), traceOf(request));
  }

  @Get('accounts/me')
  @UseGuards(AuthGuard)
  me(@Req() request: Request): Promise<AccountView> {
    return this.accounts.view(callerOf(request).accountId);
  }

  @Get('me/api-keys')
  @UseGuards(AuthGuard)
  listKeys(@Req() request: Request): Promise<ApiKeyView[]> {
    return this.keys.list(callerOf(request).accountId);
  }

  @Post('me/api-keys')
  @HttpCode(201)
  @UseGuards(AuthGuard)
  createKey(@Req() request: Request, @Body() body: unknown): Promise<CreatedApiKey> {
    const { label, access } = parseBody(CreateApiKeyRequest, body);
    return this.keys.create(callerOf(request).accountId, label, access);
  }

  @Delete('me/api-keys/:keyId')
  @UseGuards(AuthGuard)
  revokeKey(@Req() request: Request, @Param('keyId') keyId: string): Promise<ApiKeyView> {
    return this.keys.revoke(callerOf(request).accountId, keyId);
  }
}
