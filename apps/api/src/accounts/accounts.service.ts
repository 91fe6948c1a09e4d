import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AccountView, CreatedAccount } from '@bolsa/contracts';
import { issueKey } from '../auth/api-keys.js';
import { PrismaService } from '../database/prisma.service.js';
import { ApiError } from '../errors/api-error.js';

@Injectable()
export class AccountsService {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** A trader account with its first API key; the key's secret is returned here and never again. */
  async create(name: string): Promise<CreatedAccount> {
    const accountId = randomUUID();
    const key = issueKey();
    await this.prisma.account.create({
      data: { id: accountId, name, apiKeys: { create: { id: key.keyId, secretHash: key.secretHash } } },
    });
    return { accountId, name, apiKey: key.token };
  }

  async view(accountId: string): Promise<AccountView> {
    const account = await this.prisma.account.findUnique({ where: { id: accountId } });
    if (account === null) throw new ApiError('not_found', 'no such account');
    return { accountId: account.id, name: account.name, createdAt: account.createdAt.toISOString() };
  }
}
