import { timingSafeEqual } from 'node:crypto';
import type { Request } from './context.js';
import { ApiKey } from './protocol/apis.js';
import { Writer } from './protocol/codec.js';
import { ErrorCode } from './protocol/errors.js';

/** The users a broker that requires SASL/PLAIN lets in: name → password. */
export type SaslUsers = Readonly<Record<string, string>>;

const PLAIN = 'PLAIN';

/** What one SASL request did to its connection, and the answer to send. */
export interface SaslStep {
  readonly response: Writer;
  /** The client proved who it is: every other request is served from now on. */
  readonly authenticated: boolean;
  /** The answer is a refusal after which the connection closes, as Kafka's own brokers do. */
  readonly close: boolean;
}

/**
 * A connection's authentication with SASL/PLAIN (RFC 4616), as a Kafka broker's SASL listener does it: ApiVersions,
 * SaslHandshake naming the mechanism, then SaslAuthenticate carrying `authzid NUL user NUL password`. Until it has
 * succeeded, no other request is served. Without users configured, the broker takes no mechanism (a plain listener).
 */
export function saslStep(users: SaslUsers | undefined, request: Request): SaslStep {
  if (request.apiKey === ApiKey.SaslHandshake) {
    const mechanism = request.body.string();
    const enabled = users === undefined ? [] : [PLAIN];
    const error = enabled.includes(mechanism) ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_SASL_MECHANISM;
    const response = new Writer().int16(error).array(enabled, (w, name) => w.string(name));
    return { response, authenticated: false, close: error !== ErrorCode.NONE };
  }
  const token = request.body.bytes();
  const user = users === undefined ? null : plainUser(users, token);
  const response = new Writer().int16(user === null ? ErrorCode.SASL_AUTHENTICATION_FAILED : ErrorCode.NONE);
  response.nullableString(user === null ? 'Authentication failed: invalid username or password' : null);
  response.bytes(Buffer.alloc(0));
  if (request.version >= 1) response.int64(0);
  return { response, authenticated: user !== null, close: user === null };
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
