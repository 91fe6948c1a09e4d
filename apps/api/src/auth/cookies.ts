import type { FastifyReply } from 'fastify';
import type { StartedSession } from './sessions.js';

export const SESSION_COOKIE = 'bolsa_session';
/** Readable by the page's script, which echoes it in `X-CSRF-Token`; a cross-site page can neither read nor set it. */
export const CSRF_COOKIE = 'bolsa_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function setSessionCookies(reply: FastifyReply, session: StartedSession, secure: boolean): void {
  const common = { path: '/', sameSite: 'lax' as const, secure, expires: session.expiresAt };
  void reply.setCookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true });
  void reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply, secure: boolean): void {
  for (const name of [SESSION_COOKIE, CSRF_COOKIE]) {
    void reply.clearCookie(name, { path: '/', sameSite: 'lax', secure, httpOnly: name === SESSION_COOKIE });
  }
}
