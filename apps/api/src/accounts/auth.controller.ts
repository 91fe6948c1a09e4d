import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ChangePasswordRequest,
  LoginRequest,
  SignupRequest,
  type AccountView,
  type SessionView,
} from '@bolsa/contracts';
import type { FastifyReply } from 'fastify';
import { AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { clearSessionCookies, SESSION_COOKIE, setSessionCookies } from '../auth/cookies.js';
import { Sessions } from '../auth/sessions.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';
import { parseBody } from '../errors/parse-body.js';
import { traceOf, type TracedRequest } from '../observability/trace.js';
import { AccountsService } from './accounts.service.js';

type Request = AuthenticatedRequest & TracedRequest;

/** Browser sign-in: email and password for an httpOnly session cookie plus a CSRF token for writes. */
@Controller('api/auth')
export class AuthController {
  constructor(
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(Sessions) private readonly sessions: Sessions,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Post('signup')
  @HttpCode(201)
  async signup(
    @Req() request: Request,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionView> {
    const account = await this.accounts.signup(parseBody(SignupRequest, body), traceOf(request));
    return this.startSession(account, request, reply);
  }

  @Post('login')
  @HttpCode(200)
  async login(
    @Req() request: Request,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionView> {
    const credentials = parseBody(LoginRequest, body);
    const account = await this.accounts.login(credentials.email, credentials.password, request.ip);
    return this.startSession(account, request, reply);
  }

  /** Ends the session everywhere at once (sessions live in the database). */
  @Post('logout')
  @HttpCode(204)
  @UseGuards(AuthGuard)
  async logout(@Req() request: Request, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const caller = callerOf(request);
    if (caller.via !== 'session') {
      throw ApiError.validation([
        {
          field: 'authorization',
          code: 'not_a_session',
          message: 'an API key is revoked (DELETE /api/me/api-keys/:keyId), not logged out',
        },
      ]);
    }
    await this.sessions.endOne(caller.accountId, caller.credentialId);
    clearSessionCookies(reply, this.config.secureCookies);
  }

  /** A new password; every other session of the account ends (API keys stay: they are revoked on their own). */
  @Post('password')
  @HttpCode(204)
  @UseGuards(AuthGuard)
  async changePassword(@Req() request: Request, @Body() body: unknown): Promise<void> {
    const caller = callerOf(request);
    const { currentPassword, newPassword } = parseBody(ChangePasswordRequest, body);
    const keep = caller.via === 'session' ? caller.credentialId : null;
    await this.accounts.changePassword(caller.accountId, currentPassword, newPassword, keep);
  }

  /** Who the cookie belongs to, and the CSRF token a reloaded page needs. */
  @Get('session')
  async session(@Req() request: Request): Promise<SessionView> {
    const token = request.cookies[SESSION_COOKIE];
    const session = token === undefined ? null : await this.sessions.find(token);
    if (session === null) throw new ApiError('unauthorized', 'not logged in');
    return {
      account: await this.accounts.view(session.accountId),
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
    };
  }

  private async startSession(account: AccountView, request: Request, reply: FastifyReply): Promise<SessionView> {
    const userAgent = request.headers['user-agent'];
    const session = await this.sessions.start(account.accountId, {
      userAgent: typeof userAgent === 'string' && userAgent !== '' ? userAgent : null,
      address: request.ip === '' ? null : request.ip,
    });
    setSessionCookies(reply, session, this.config.secureCookies);
    return { account, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
  }
}
