import { timingSafeEqual } from 'node:crypto';
import type { Request } from './context.js';
import { ApiKey } from './protocol/apis.js';
import { Writer } from './protocol/codec.js';
import { ErrorCode } from './protocol/errors.js';

/** The users a broker that requires SASL/PLAIN lets in: name → password. */
export type SaslUsers = Readonly<Record<string, string>>;

const PLAIN = 'PLAIN';

/** The answer to a SASL request, and whether the connection closes once it is written (a refusal, as in Kafka). */
export interface SaslAnswer {
  readonly response: Writer;
  readonly close: boolean;
}

/**
 * A connection's authentication with SASL/PLAIN (RFC 4616), as a Kafka broker's SASL listener does it: ApiVersions,
 * SaslHandshake naming the mechanism, then SaslAuthenticate carrying `authzid NUL user NUL password`. Until it has
 * succeeded, no other request is served. Without users configured, the broker takes no mechanism (a plain listener)
 * and every connection is served as it comes.
 */
export class SaslSession {
  private mechanismAgreed = false;
  authenticated: boolean;

  constructor(private readonly users: SaslUsers | undefined) {
    this.authenticated = users === undefined;
  }

  /** Answers a SaslHandshake or a SaslAuthenticate request. */
  answer(request: Request): SaslAnswer {
    if (request.apiKey === ApiKey.SaslHandshake) {
      const mechanism = request.body.string();
      const enabled = this.users === undefined ? [] : [PLAIN];
      this.mechanismAgreed = enabled.includes(mechanism);
      const error = this.mechanismAgreed ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_SASL_MECHANISM;
      return { response: new Writer().int16(error).array(enabled, (w, name) => w.string(name)), close: error !== 0 };
    }
    const token = request.body.bytes();
    const [error, message] = !this.mechanismAgreed
      ? [ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate before a SaslHandshake agreed on a mechanism']
      : this.users !== undefined && plainUser(this.users, token) !== null
        ? [ErrorCode.NONE, null]
        : [ErrorCode.SASL_AUTHENTICATION_FAILED, 'Authentication failed: invalid username or password'];
    if (error === ErrorCode.NONE) this.authenticated = true;
    const response = new Writer().int16(error).nullableString(message).bytes(Buffer.alloc(0));
    if (request.version >= 1) response.int64(0);
    return { response, close: error !== ErrorCode.NONE };
  }
}

/** The user a PLAIN token names, when its password is that user's; null otherwise. */
function plainUser(users: SaslUsers, token: Buffer): string | null {
  const parts = token.toString('utf8').split('\0');
  if (parts.length !== 3) return null;
  const [, name = '', password = ''] = parts;
  const expected = Object.hasOwn(users, name) ? users[name] : undefined;
  if (expected === undefined) return null;
  const given = Buffer.from(password);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted) ? name : null;
}

/** Requests a connection may make before it has authenticated. */
export function allowedBeforeAuthentication(apiKey: number): boolean {
  return apiKey === ApiKey.ApiVersions || apiKey === ApiKey.SaslHandshake || apiKey === ApiKey.SaslAuthenticate;
}
