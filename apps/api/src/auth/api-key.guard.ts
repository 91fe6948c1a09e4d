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

interface KnownKey {
  readonly accountId: string;
  readonly secretHash: string;
  readonly revoked: boolean;
  readonly loadedAt: number;
}

/** Key records are read from PostgreSQL at most this often per key; a revocation takes effect within it. */
const KEY_CACHE_MS = 10_000;
const KEY_CACHE_SIZE = 10_000;
const knownKeys = new Map<string, KnownKey>();

/** Lets a request through only with `Authorization: Bearer <key id>.<secret>` of a live key. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  private async load(keyId: string): Promise<KnownKey | null> {
    const cached = knownKeys.get(keyId);
    if (cached !== undefined && Date.now() - cached.loadedAt < KEY_CACHE_MS) return cached;
    const key = await this.prisma.apiKey.findUnique({ where: { id: keyId } });
    if (key === null) return null;
    if (knownKeys.size >= KEY_CACHE_SIZE) knownKeys.delete(knownKeys.keys().next().value!);
    const known = {
      accountId: key.accountId,
      secretHash: key.secretHash,
      revoked: key.revokedAt !== null,
      loadedAt: Date.now(),
    };
    knownKeys.set(keyId, known);
    return known;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (header === undefined) throw new ApiError('unauthorized', 'send Authorization: Bearer <api key>');
    const token = /^Bearer (\S+)$/.exec(header)?.[1];
    const parts = token === undefined ? null : parseToken(token);
    if (parts === null) throw new ApiError('unauthorized', 'the API key is malformed');
    const key = await this.load(parts.keyId);
    if (key === null || key.revoked || !secretMatches(parts.secret, key.secretHash)) {
      throw new ApiError('unauthorized', 'the API key is not valid');
    }
    request.caller = { accountId: key.accountId, keyId: parts.keyId };
    return true;
  }
}
