import { timingSafeEqual } from 'node:crypto';
import type { Request } from './context.js';
import { ApiKey } from './protocol/apis.js';
import { Writer } from './protocol/codec.js';
import { ErrorCode } from './protocol/errors.js';
import {
  INVALID_CREDENTIALS,
  isScramMechanism,
  SCRAM_MECHANISMS,
  scramCredential,
  ScramExchange,
  type ScramCredential,
  type ScramHash,
} from './scram.js';

/** The users a broker that requires SASL lets in: name → password. */
export type SaslUsers = Readonly<Record<string, string>>;

const PLAIN = 'PLAIN';
/** What a broker with users takes, as a Kafka broker lists its `sasl.enabled.mechanisms`. */
const MECHANISMS = [PLAIN, ...Object.keys(SCRAM_MECHANISMS)];

/** The answer to a SASL request, and whether the connection closes once it is written (a refusal, as in Kafka). */
export interface SaslAnswer {
  readonly response: Writer;
  readonly close: boolean;
}

/**
 * A connection's authentication, as a Kafka broker's SASL listener does it: ApiVersions, SaslHandshake naming the
 * mechanism, then SaslAuthenticate carrying the mechanism's messages: for PLAIN (RFC 4616) one,
 * `authzid NUL user NUL password`; for SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802) two, each answered in the
 * response's bytes. Until it has succeeded, no other request is served. Without users configured, the broker takes
 * no mechanism (a plain listener) and every connection is served as it comes.
 */
export class SaslSession {
  private mechanism: string | null = null;
  private scram: ScramExchange | null = null;
  authenticated: boolean;

  constructor(private readonly users: SaslUsers | undefined) {
    this.authenticated = users === undefined;
  }

  /** Answers a SaslHandshake or a SaslAuthenticate request. */
  answer(request: Request): SaslAnswer {
    if (request.apiKey === ApiKey.SaslHandshake) return this.handshake(request.body.string());
    const step = this.authenticate(request.body.bytes());
    if (step.authenticated) this.authenticated = true;
    const response = new Writer().int16(step.error).nullableString(step.message).bytes(step.reply);
    if (request.version >= 1) response.int64(0);
    return { response, close: step.error !== ErrorCode.NONE };
  }

  private handshake(mechanism: string): SaslAnswer {
    const users = this.users;
    const enabled = users === undefined ? [] : MECHANISMS;
    this.mechanism = enabled.includes(mechanism) ? mechanism : null;
    const hash = isScramMechanism(mechanism) ? SCRAM_MECHANISMS[mechanism] : null;
    this.scram =
      users === undefined || hash === null ? null : new ScramExchange(hash, (name) => credentialOf(users, hash, name));
    const error = this.mechanism === null ? ErrorCode.UNSUPPORTED_SASL_MECHANISM : ErrorCode.NONE;
    return { response: new Writer().int16(error).array(enabled, (w, name) => w.string(name)), close: error !== 0 };
  }

  /** A SaslAuthenticate's token, taken by the agreed mechanism. */
  private authenticate(token: Buffer): AuthenticateStep {
    const refused = (error: number, message: string) => ({ error, message, reply: EMPTY, authenticated: false });
    if (this.mechanism === null || this.users === undefined) {
      return refused(ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate before a SaslHandshake agreed on a mechanism');
    }
    if (this.scram === null) {
      return plainUser(this.users, token) === null
        ? refused(ErrorCode.SASL_AUTHENTICATION_FAILED, INVALID_CREDENTIALS)
        : { error: ErrorCode.NONE, message: null, reply: EMPTY, authenticated: true };
    }
    const step = this.scram.step(token);
    if ('refused' in step) return refused(ErrorCode.SASL_AUTHENTICATION_FAILED, step.refused);
    // The server's last message goes back with the success: the client checks it before it goes on.
    return { error: ErrorCode.NONE, message: null, reply: step.reply, authenticated: step.authenticated };
  }
}

interface AuthenticateStep {
  readonly error: number;
  readonly message: string | null;
  /** The mechanism's bytes for the client: SCRAM's server messages; nothing for PLAIN or a refusal. */
  readonly reply: Buffer;
  readonly authenticated: boolean;
}

const EMPTY = Buffer.alloc(0);

/** Each broker's users' SCRAM credentials, made once per user and hash (PBKDF2 is slow on purpose). */
const credentials = new WeakMap<SaslUsers, Map<string, ScramCredential>>();

/** A user's SCRAM credential for a hash; undefined for a name that is no user's (Kafka refuses it at once). */
function credentialOf(users: SaslUsers, hash: ScramHash, name: string): ScramCredential | undefined {
  const password = Object.hasOwn(users, name) ? users[name] : undefined;
  if (password === undefined) return undefined;
  let known = credentials.get(users);
  if (known === undefined) credentials.set(users, (known = new Map()));
  const key = `${hash} ${name}`;
  let credential = known.get(key);
  if (credential === undefined) known.set(key, (credential = scramCredential(hash, password)));
  return credential;
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
