import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { ApiKeyId } from '@bolsa/contracts';

/**
 * API keys look like `<key id>.<secret>`: the id is public and indexes the key, the secret is 32 random bytes
 * shown once. Secrets carry full entropy, so a SHA-256 hash is as safe as a slow password hash and costs
 * microseconds per request rather than tens of milliseconds.
 */
export interface IssuedKey {
  readonly keyId: string;
  readonly secretHash: string;
  /** What the client puts after `Bearer `. */
  readonly token: string;
}

export function issueKey(): IssuedKey {
  const keyId = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secretHash: hashSecret(secret), token: `${keyId}.${secret}` };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Splits a bearer token into its id and secret, or null when it is not shaped like one of ours. */
export function parseToken(token: string): { keyId: string; secret: string } | null {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  // Only a UUID can be a key id; anything else must not reach a uuid column (PostgreSQL would refuse it: a 500).
  return match === null || !ApiKeyId.safeParse(match[1]).success ? null : { keyId: match[1]!, secret: match[2]! };
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
