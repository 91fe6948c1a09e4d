import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** The SCRAM mechanisms Kafka offers (RFC 7677, and SHA-512 as Kafka adds it), by the hash each uses. */
export const SCRAM_MECHANISMS = { 'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-512': 'sha512' } as const;
export type ScramMechanism = keyof typeof SCRAM_MECHANISMS;
type ScramHash = (typeof SCRAM_MECHANISMS)[ScramMechanism];

/** Kafka's least (and kafka-configs' default) iteration count. */
const ITERATIONS = 4096;
const DIGEST_BYTES: Record<ScramHash, number> = { sha256: 32, sha512: 64 };

/** What the server says to a client's message: its reply, and whether the client is then authenticated. */
export type ScramStep = { readonly reply: Buffer; readonly authenticated: boolean } | { readonly refused: string };

/** A username as SCRAM writes it: `=2C` for a comma, `=3D` for an equals sign; null if another `=` escape is in it. */
function decodeName(written: string): string | null {
  if (/=(?!2C|3D)/.test(written)) return null;
  return written.replaceAll('=2C', ',').replaceAll('=3D', '=');
}

/**
 * The server's side of one SCRAM exchange (RFC 5802), as a Kafka broker runs it over SaslAuthenticate: the
 * client-first message (`n,,n=user,r=nonce`) answered with the server-first (`r=…,s=salt,i=4096`), the client-final
 * (`c=biws,r=…,p=proof`) checked against the user's password and answered with the server's signature (`v=…`), which
 * lets the client know the server knew the password too. No channel binding (Kafka has none). The password is
 * salted here, with a fresh salt per exchange, since the broker is given passwords rather than stored credentials.
 */
/** What an exchange draws anew each time: the salt, and the server's part of the nonce (printable, no comma). */
export interface FreshValues {
  salt(): Buffer;
  nonce(): string;
}

const RANDOM: FreshValues = { salt: () => randomBytes(16), nonce: () => randomBytes(18).toString('base64') };

/** What both mechanisms say to a wrong password or an unknown user, telling neither from the other. */
export const INVALID_CREDENTIALS = 'Authentication failed: invalid username or password';

export class ScramExchange {
  private expecting: 'client-first' | 'client-final' | 'nothing' = 'client-first';
  private gs2Header = '';
  private authMessageStart = '';
  private nonce = '';
  private saltedPassword = Buffer.alloc(0);

  constructor(
    private readonly hash: ScramHash,
    private readonly passwordOf: (user: string) => string | undefined,
    private readonly fresh: FreshValues = RANDOM,
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
    const password = user === null ? undefined : this.passwordOf(user);
    if (password === undefined) return { refused: INVALID_CREDENTIALS };
    const salt = this.fresh.salt();
    this.gs2Header = `${binding},${authorization},`;
    this.nonce = clientNonce + this.fresh.nonce();
    this.saltedPassword = pbkdf2Sync(
      Buffer.from(password, 'utf8'),
      salt,
      ITERATIONS,
      DIGEST_BYTES[this.hash],
      this.hash,
    );
    const serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${ITERATIONS}`;
    this.authMessageStart = `${bare},${serverFirst}`;
    this.expecting = 'client-final';
    return { reply: Buffer.from(serverFirst), authenticated: false };
  }

  private final(message: string): ScramStep {
    const parts = /^(c=([^,]*),r=([^,]*)(?:,[^p=][^,]*)*),p=([^,]+)$/.exec(message);
    if (parts === null) return { refused: 'not a SCRAM client-final message' };
    const [, withoutProof = '', binding = '', nonce = '', proof = ''] = parts;
    if (Buffer.from(binding, 'base64').toString('utf8') !== this.gs2Header) {
      return { refused: 'the client-final message does not repeat the client-first header' };
    }
    // librdkafka sends its own nonce again before the exchange's (`r=<client><client+server>`); Kafka's brokers take
    // a nonce that ends with the exchange's, and so does this one: the server's fresh part is still what is proved.
    if (!nonce.endsWith(this.nonce)) return { refused: "the client-final message's nonce is not the exchange's" };
    const authMessage = `${this.authMessageStart},${withoutProof}`;
    const clientKey = this.hmac(this.saltedPassword, 'Client Key');
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const clientSignature = this.hmac(storedKey, authMessage);
    const given = Buffer.from(proof, 'base64');
    if (given.length !== clientSignature.length) return { refused: INVALID_CREDENTIALS };
    // The proof is the client key masked with the signature: unmasked, it must hash to the stored key.
    const claimedKey = Buffer.from(given.map((byte, index) => byte ^ (clientSignature[index] ?? 0)));
    const claimedStored = createHash(this.hash).update(claimedKey).digest();
    if (!timingSafeEqual(claimedStored, storedKey)) return { refused: INVALID_CREDENTIALS };
    const serverSignature = this.hmac(this.hmac(this.saltedPassword, 'Server Key'), authMessage);
    return { reply: Buffer.from(`v=${serverSignature.toString('base64')}`), authenticated: true };
  }

  private hmac(key: Buffer, text: string): Buffer {
    return createHmac(this.hash, key).update(text).digest();
  }
}
