import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { PrismaService } from '../database/prisma.service.js';
import { ApiError } from '../errors/api-error.js';
import { parseToken, secretMatches } from './api-keys.js';

export interface Caller {
  readonly accountId: string;
  readonly keyId: string;
}

export type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

/** Lets a request through only with `Authorization: Bearer <key id>.<secret>` of a live key. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (header === undefined) throw new ApiError('unauthorized', 'send Authorization: Bearer <api key>');
    const token = /^Bearer (\S+)$/.exec(header)?.[1];
    const parts = token === undefined ? null : parseToken(token);
    if (parts === null) throw new ApiError('unauthorized', 'the API key is malformed');
    const key = await this.prisma.apiKey.findUnique({ where: { id: parts.keyId } });
    if (key === null || key.revokedAt !== null || !secretMatches(parts.secret, key.secretHash)) {
      throw new ApiError('unauthorized', 'the API key is not valid');
    }
    request.caller = { accountId: key.accountId, keyId: key.id };
    return true;
  }
}
