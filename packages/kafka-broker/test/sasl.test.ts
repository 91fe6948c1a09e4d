import { describe, expect, it } from 'vitest';
import type { Request } from '../src/context.js';
import { ApiKey } from '../src/protocol/apis.js';
import { Reader, Writer } from '../src/protocol/codec.js';
import { ErrorCode } from '../src/protocol/errors.js';
import { SaslSession } from '../src/sasl.js';

const request = (apiKey: number, version: number, body: Writer): Request => ({
  apiKey,
  version,
  correlationId: 1,
  clientId: 'test',
  clientHost: '127.0.0.1',
  body: new Reader(Buffer.concat(body.buffers())),
});
const handshake = (mechanism: string) => request(ApiKey.SaslHandshake, 1, new Writer().string(mechanism));
const token = (text: string) => request(ApiKey.SaslAuthenticate, 1, new Writer().bytes(Buffer.from(text)));
const authenticate = (user: string, password: string) => token(`\0${user}\0${password}`);
const scramFirst = (user: string) => token(`n,,n=${user},r=nonce`);

/** The answer's error code and message (a SaslAuthenticate answer) or mechanisms (a SaslHandshake answer). */
function read(answer: { response: Writer }, apiKey: number): [number, unknown] {
  const reader = new Reader(Buffer.concat(answer.response.buffers()));
  const error = reader.int16();
  return [error, apiKey === ApiKey.SaslHandshake ? reader.array((r) => r.string()) : reader.nullableString()];
}

describe('a SASL session', () => {
  it('authenticates a known user with its password, after agreeing on PLAIN', () => {
    const session = new SaslSession({ exchange: 's3cret' });
    expect(session.authenticated).toBe(false);
    const agreed = session.answer(handshake('PLAIN'));
    expect([read(agreed, ApiKey.SaslHandshake), agreed.close]).toEqual([
      [ErrorCode.NONE, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']],
      false,
    ]);
    const done = session.answer(authenticate('exchange', 's3cret'));
    expect([read(done, ApiKey.SaslAuthenticate), done.close]).toEqual([[ErrorCode.NONE, null], false]);
    expect(session.authenticated).toBe(true);
  });

  it('refuses, and closes, an unknown mechanism, a wrong password, an unknown user, and skipping the handshake', () => {
    const refusals = [
      [handshake('GSSAPI')],
      [handshake('SCRAM-SHA-256'), scramFirst('nobody')],
      [handshake('PLAIN'), authenticate('exchange', 's3creT')],
      [handshake('PLAIN'), authenticate('someone', 's3cret')],
      [authenticate('exchange', 's3cret')],
    ];
    const codes = refusals.map((steps) => {
      const session = new SaslSession({ exchange: 's3cret' });
      const answers = steps.map((step) => session.answer(step));
      const last = answers.at(-1)!;
      expect([last.close, session.authenticated]).toEqual([true, false]);
      return read(last, steps.at(-1)!.apiKey)[0];
    });
    expect(codes).toEqual([
      ErrorCode.UNSUPPORTED_SASL_MECHANISM,
      ErrorCode.SASL_AUTHENTICATION_FAILED,
      ErrorCode.SASL_AUTHENTICATION_FAILED,
      ErrorCode.SASL_AUTHENTICATION_FAILED,
      ErrorCode.ILLEGAL_SASL_STATE,
    ]);
  });

  it('runs SCRAM over two SaslAuthenticate requests, the server messages in the responses, authenticated after the second', () => {
    const session = new SaslSession({ exchange: 's3cret' });
    session.answer(handshake('SCRAM-SHA-512'));
    const first = new Reader(Buffer.concat(session.answer(scramFirst('exchange')).response.buffers()));
    expect([first.int16(), first.nullableString(), first.bytes().toString()]).toEqual([
      ErrorCode.NONE,
      null,
      expect.stringMatching(/^r=nonce.+,s=.+,i=4096$/),
    ]);
    expect(session.authenticated).toBe(false);
    // A client-final that does not go on from the server's message (its nonce is the client's alone): refused, and
    // the connection closes.
    const wrong = session.answer(token('c=biws,r=nonce,p=AAAA'));
    expect([read(wrong, ApiKey.SaslAuthenticate)[0], wrong.close, session.authenticated]).toEqual([
      ErrorCode.SASL_AUTHENTICATION_FAILED,
      true,
      false,
    ]);
  });

  it("salts each user's password once per broker, as Kafka keeps a credential: the same salt on every connection", () => {
    const users = { exchange: 's3cret' };
    const saltOf = (session: SaslSession, mechanism: string) => {
      session.answer(handshake(mechanism));
      const reader = new Reader(Buffer.concat(session.answer(scramFirst('exchange')).response.buffers()));
      reader.int16();
      reader.nullableString();
      return /,s=([^,]+),/.exec(reader.bytes().toString())?.[1];
    };
    const first = saltOf(new SaslSession(users), 'SCRAM-SHA-256');
    expect(first).toBeDefined();
    expect(saltOf(new SaslSession(users), 'SCRAM-SHA-256')).toBe(first);
    expect(saltOf(new SaslSession(users), 'SCRAM-SHA-512')).not.toBe(first);
    expect(saltOf(new SaslSession({ ...users }), 'SCRAM-SHA-256')).not.toBe(first);
  });

  it('takes no mechanism without users, and serves every connection as it comes', () => {
    const session = new SaslSession(undefined);
    expect(session.authenticated).toBe(true);
    expect(read(session.answer(handshake('PLAIN')), ApiKey.SaslHandshake)).toEqual([
      ErrorCode.UNSUPPORTED_SASL_MECHANISM,
      [],
    ]);
  });
});
