import { Body, Controller, Get, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { CreateAccountRequest, type AccountView, type CreatedAccount } from '@bolsa/contracts';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard.js';
import { parseBody } from '../errors/parse-body.js';
import { AccountsService } from './accounts.service.js';

@Controller('api/accounts')
export class AccountsController {
  constructor(@Inject(AccountsService) private readonly accounts: AccountsService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown): Promise<CreatedAccount> {
    return this.accounts.create(parseBody(CreateAccountRequest, body).name);
  }

  @Get('me')
  @UseGuards(ApiKeyGuard)
  me(@Req() request: AuthenticatedRequest): Promise<AccountView> {
    return this.accounts.view(request.caller!.accountId);
  }
}
