import { Controller, Delete, Get, HttpCode, Inject, Param, Req, UseGuards } from '@nestjs/common';
import type { LoginSessionView } from '@bolsa/contracts';
import { AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { Sessions } from '../auth/sessions.js';
import { ApiError } from '../errors/api-error.js';

/** A session's public id: the SHA-256 of its cookie's token, from which the token cannot be had back. */
const SESSION_ID = /^[0-9a-f]{64}$/;

/**
 * The account's browser sessions: which are live, started when and from what, and ending one that is not the
 * owner's (a shared computer, a stolen cookie) or every other one at once.
 */
@Controller('api/me/sessions')
@UseGuards(AuthGuard)
export class LoginSessionsController {
  constructor(@Inject(Sessions) private readonly sessions: Sessions) {}

  @Get()
  list(@Req() request: AuthenticatedRequest): Promise<LoginSessionView[]> {
    const caller = callerOf(request);
    return this.sessions.list(caller.accountId, caller.via === 'session' ? caller.credentialId : null);
  }

  /** Every session but the caller's own (all of them, when the caller is an API key); the ones left. */
  @Delete()
  async endOthers(@Req() request: AuthenticatedRequest): Promise<LoginSessionView[]> {
    const caller = callerOf(request);
    const own = caller.via === 'session' ? caller.credentialId : null;
    await this.sessions.endOthers(caller.accountId, own);
    return this.sessions.list(caller.accountId, own);
  }

  @Delete(':sessionId')
  @HttpCode(204)
  async end(@Req() request: AuthenticatedRequest, @Param('sessionId') sessionId: string): Promise<void> {
    const ended = SESSION_ID.test(sessionId) && (await this.sessions.endOne(callerOf(request).accountId, sessionId));
    if (!ended) throw new ApiError('not_found', 'the account has no such live session');
  }
}
