import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scramCredential, ScramExchange } from '../src/scram.js';

const users: Record<string, string> = { user: 'pencil', 'a,b=c': 'commas and equals' };
/** Each user's credential, salted afresh each time it is asked for: every exchange salts its own. */
const credentialOf = (hash: 'sha256' | 'sha512') => (name: string) => {
  const password = users[name];
  return password === undefined ? undefined : scramCredential(hash, password);
};
const step = (exchange: ScramExchange, message: string) => {
  const answer = exchange.step(Buffer.from(message));
  return 'refused' in answer ? answer : { reply: answer.reply.toString(), authenticated: answer.authenticated };
};

/** A client's side, from RFC 5802 §3: the proof of the password for the exchange so far, and the server's signature. */
function clientSide(
  hash: 'sha256' | 'sha512',
  password: string,
  clientFirstBare: string,
  serverFirst: string,
  noncePrefix = '',
) {
  const fields = new Map(serverFirst.split(',').map((field) => [field[0], field.slice(2)]));
  const bytes = hash === 'sha256' ? 32 : 64;
  const salted = pbkdf2Sync(password, Buffer.from(fields.get('s')!, 'base64'), Number(fields.get('i')), bytes, hash);
  const hmac = (key: Buffer, text: string) => createHmac(hash, key).update(text).digest();
  const withoutProof = `c=biws,r=${noncePrefix}${fields.get('r')}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const clientKey = hmac(salted, 'Client Key');
  const signature = hmac(createHash(hash).update(clientKey).digest(), authMessage);
  const proof = Buffer.from(clientKey.map((byte, index) => byte ^ signature[index]!)).toString('base64');
  return {
    final: `${withoutProof},p=${proof}`,
    serverFinal: `v=${hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}`,
  };
}

describe('a SCRAM exchange, the server side', () => {
  it("answers RFC 7677's SCRAM-SHA-256 example message for message", () => {
    const credential = scramCredential('sha256', 'pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
    const exchange = new ScramExchange(
      'sha256',
      (name) => (name === 'user' ? credential : undefined),
      () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
    );
    expect(step(exchange, 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO')).toEqual({
      reply: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
      authenticated: false,
    });
    const final =
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
    expect(step(exchange, final)).toEqual({
      reply: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
      authenticated: true,
    });
    expect(step(exchange, final)).toEqual({ refused: 'the SCRAM exchange is over' });
  });

  it('authenticates with SHA-512, a fresh nonce each time, and a name with escaped commas and equals', () => {
    const serverFirsts = [1, 2].map(() => {
      const exchange = new ScramExchange('sha512', credentialOf('sha512'));
      const bare = 'n=a=2Cb=3Dc,r=clientnonce';
      const first = step(exchange, `n,,${bare}`);
      if (!('reply' in first)) throw new Error(first.refused);
      expect(first.reply).toMatch(/^r=clientnonce[A-Za-z0-9+/=]+,s=[A-Za-z0-9+/=]+,i=4096$/);
      const client = clientSide('sha512', 'commas and equals', bare, first.reply);
      expect(step(exchange, client.final)).toEqual({ reply: client.serverFinal, authenticated: true });
      return first.reply;
    });
    expect(serverFirsts[0]).not.toBe(serverFirsts[1]);
  });

  it("takes librdkafka's final nonce, its own repeated before the exchange's, as Kafka does", () => {
    const exchange = new ScramExchange('sha256', credentialOf('sha256'));
    const first = step(exchange, 'n,,n=user,r=rdkafka');
    if (!('reply' in first)) throw new Error(first.refused);
    const client = clientSide('sha256', 'pencil', 'n=user,r=rdkafka', first.reply, 'rdkafka');
    expect(client.final).toMatch(/^c=biws,r=rdkafkardkafka/);
    expect(step(exchange, client.final)).toEqual({ reply: client.serverFinal, authenticated: true });
  });

  it('refuses a wrong password, an unknown user, a changed nonce or header, and what is not SCRAM', () => {
    const refusal = (user: string, password: string, tamper: (final: string) => string = (final) => final) => {
      const exchange = new ScramExchange('sha256', credentialOf('sha256'));
      const bare = `n=${user},r=abc`;
      const first = step(exchange, `n,,${bare}`);
      if (!('reply' in first)) return first.refused;
      const last = step(exchange, tamper(clientSide('sha256', password, bare, first.reply).final));
      return 'refused' in last ? last.refused : 'authenticated';
    };
    expect(refusal('user', 'pencil')).toBe('authenticated');
    expect(refusal('user', 'pen')).toMatch(/invalid username or password/);
    expect(refusal('nobody', 'pencil')).toMatch(/invalid username or password/);
    expect(refusal('user', 'pencil', (final) => final.replace('r=abc', 'r=abd'))).toMatch(/nonce/);
    expect(refusal('user', 'pencil', (final) => final.replace(/,p=/, 'x,p='))).toMatch(/nonce/);
    expect(refusal('user', 'pencil', (final) => final.replace('c=biws', 'c=eSws'))).toMatch(/header/);
    expect(refusal('user', 'pencil', (final) => final.replace(/p=.*/, 'p=AAAA'))).toMatch(/invalid/);
    for (const message of ['\0user\0pencil', 'p=tls-unique,,n=user,r=abc', 'n,,n=us=2Xer,r=abc']) {
      expect(step(new ScramExchange('sha256', credentialOf('sha256')), message)).toHaveProperty('refused');
    }
  });
});
