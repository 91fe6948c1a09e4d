import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** The SCRAM mechanisms Kafka offers (RFC 7677, and SHA-512 as Kafka adds it), by the hash each uses. */
export const SCRAM_MECHANISMS = { 'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-512': 'sha512' } as const;
export type ScramMechanism = keyof typeof SCRAM_MECHANISMS;
export type ScramHash = (typeof SCRAM_MECHANISMS)[ScramMechanism];

export function isScramMechanism(name: string): name is ScramMechanism {
  return Object.hasOwn(SCRAM_MECHANISMS, name);
}

/** Kafka's least (and kafka-configs' default) iteration count. */
const ITERATIONS = 4096;
const DIGEST_BYTES: Record<ScramHash, number> = { sha256: 32, sha512: 64 };

/** What both mechanisms say to a wrong password or an unknown user, telling neither from the other. */
export const INVALID_CREDENTIALS = 'Authentication failed: invalid username or password';

/** What a server keeps of a user's password for SCRAM (RFC 5802 §5.1), as Kafka stores it: never the password. */
export interface ScramCredential {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

const hmac = (hash: ScramHash, key: Buffer, text: string) => createHmac(hash, key).update(text).digest();
const digest = (hash: ScramHash, data: Buffer) => createHash(hash).update(data).digest();

/** A password's credential for one hash: the salted password's stored and server keys. */
export function scramCredential(hash: ScramHash, password: string, salt = randomBytes(16)): ScramCredential {
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, DIGEST_BYTES[hash], hash);
  return {
    salt,
    iterations: ITERATIONS,
    storedKey: digest(hash, hmac(hash, salted, 'Client Key')),
    serverKey: hmac(hash, salted, 'Server Key'),
  };
}

/** What the server says to a client's message: its reply, and whether the client is then authenticated. */
export type ScramStep = { readonly reply: Buffer; readonly authenticated: boolean } | { readonly refused: string };

/** A username as SCRAM writes it: `=2C` for a comma, `=3D` for an equals sign; null if another `=` escape is in it. */
function decodeName(written: string): string | null {
  if (/=(?!2C|3D)/.test(written)) return null;
  return written.replaceAll('=2C', ',').replaceAll('=3D', '=');
}

const serverNonce = () => randomBytes(18).toString('base64');

/**
 * The server's side of one SCRAM exchange (RFC 5802), as a Kafka broker runs it over SaslAuthenticate: the
 * client-first message (`n,,n=user,r=nonce`) answered with the server-first (`r=…,s=salt,i=4096`), the client-final
 * (`c=biws,r=…,p=proof`) checked against the user's credential and answered with the server's signature (`v=…`),
 * which lets the client know the server knew the password too. No channel binding (Kafka has none).
 */
export class ScramExchange {
  private expecting: 'client-first' | 'client-final' | 'nothing' = 'client-first';
  private gs2Header = '';
  private authMessageStart = '';
  private nonce = '';
  private credential: ScramCredential | null = null;

  constructor(
    private readonly hash: ScramHash,
    private readonly credentialOf: (user: string) => ScramCredential | undefined,
    /** The server's part of the nonce: printable, no comma. */
    private readonly freshNonce: () => string = serverNonce,
  ) {}

  step(message: Buffer): ScramStep {
    const text = message.toString('utf8');
    const expecting = this.expecting;
    // One message of each kind: whatever comes after a refusal or the end is refused.
    this.expecting = 'nothing';
    if (expecting === 'client-first') return this.first(text);
    if (expecting === 'client-final') return this.final(text);
    return { refused: 'the SCRAM exchange is over' };
  }

  private first(message: string): ScramStep {
    const parts = /^([ny]),(a=[^,]*)?,(n=([^,]*),r=([^,]+)(?:,.*)?)$/.exec(message);
    if (parts === null) return { refused: 'not a SCRAM client-first message (or one asking for channel binding)' };
    const [, binding = '', authorization = '', bare = '', writtenName = '', clientNonce = ''] = parts;
    const user = decodeName(writtenName);
    const credential = user === null ? undefined : this.credentialOf(user);
    if (credential === undefined) return { refused: INVALID_CREDENTIALS };
    this.credential = credential;
    this.gs2Header = `${binding},${authorization},`;
    this.nonce = clientNonce + this.freshNonce();
    const serverFirst = `r=${this.nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.authMessageStart = `${bare},${serverFirst}`;
    this.expecting = 'client-final';
    return { reply: Buffer.from(serverFirst), authenticated: false };
  }

  private final(message: string): ScramStep {
    const parts = /^(c=([^,]*),r=([^,]*)(?:,[^p=][^,]*)*),p=([^,]+)$/.exec(message);
    const credential = this.credential;
    if (parts === null || credential === null) return { refused: 'not a SCRAM client-final message' };
    const [, withoutProof = '', binding = '', nonce = '', proof = ''] = parts;
    if (Buffer.from(binding, 'base64').toString('utf8') !== this.gs2Header) {
      return { refused: 'the client-final message does not repeat the client-first header' };
    }
    // librdkafka sends its own nonce again before the exchange's (`r=<client><client+server>`); Kafka's brokers take
    // a nonce that ends with the exchange's, and so does this one: the server's fresh part is still what is proved.
    if (!nonce.endsWith(this.nonce)) return { refused: "the client-final message's nonce is not the exchange's" };
    const authMessage = `${this.authMessageStart},${withoutProof}`;
    const clientSignature = hmac(this.hash, credential.storedKey, authMessage);
    const given = Buffer.from(proof, 'base64');
    if (given.length !== clientSignature.length) return { refused: INVALID_CREDENTIALS };
    // The proof is the client key masked with the signature: unmasked, it must hash to the stored key.
    const claimedKey = Buffer.from(given.map((byte, index) => byte ^ (clientSignature[index] ?? 0)));
    if (!timingSafeEqual(digest(this.hash, claimedKey), credential.storedKey)) return { refused: INVALID_CREDENTIALS };
    const serverSignature = hmac(this.hash, credential.serverKey, authMessage);
    return { reply: Buffer.from(`v=${serverSignature.toString('base64')}`), authenticated: true };
  }
}
