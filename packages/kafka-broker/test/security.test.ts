import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../src/index.js';
import { selfSignedCertificate, type Certificate } from '../src/testing/index.js';
import { client, hasKcat, kcat } from './helpers.js';

let dir: string;
let certificate: Certificate;
let broker: RunningBroker;

// A broker as a secured Kafka listener is (SASL_SSL): TLS, then SASL (PLAIN or SCRAM) before any other request.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bolsa-broker-tls-'));
  certificate = selfSignedCertificate(dir);
  broker = await startBroker({
    partitions: 1,
    tls: { key: certificate.key, cert: certificate.cert },
    saslUsers: { exchange: 'a long secret' },
  });
});

afterAll(async () => {
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Mechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
/** kafkajs's `sasl` option, a union by mechanism. */
type Sasl = { [M in Mechanism]: { mechanism: M; username: string; password: string } }[Mechanism];

const secured = (password: string, mechanism: Mechanism = 'plain'): { ssl: { ca: string[] }; sasl: Sasl } => ({
  ssl: { ca: [certificate.cert] },
  sasl: { mechanism, username: 'exchange', password },
});

describe('a broker that takes TLS and SASL only', () => {
  it('serves a client that authenticates: produce and consume over TLS', async () => {
    const kafka = client(broker.bootstrap, secured('a long secret'));
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: 'secured', messages: [{ key: 'k', value: 'over tls' }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('secured');
    await admin.disconnect();
    expect(offsets.map((offset) => offset.high)).toEqual(['1']);
  });

  it('refuses a wrong password, a client without SASL, and one without TLS', async () => {
    const wrong = client(broker.bootstrap, { ...secured('a wrong secret'), retry: { retries: 0 } });
    await expect(wrong.admin().connect()).rejects.toMatchObject({
      message: expect.stringMatching(/SASL PLAIN authentication failed/),
    });
    const noSasl = client(broker.bootstrap, { ssl: { ca: [certificate.cert] }, retry: { retries: 0 } });
    await expect(noSasl.admin().listTopics()).rejects.toThrow(Error);
    const plain = client(broker.bootstrap, { retry: { retries: 0 }, connectionTimeout: 1_000 });
    await expect(plain.admin().connect()).rejects.toThrow(Error);
  });

  it.each(['scram-sha-256', 'scram-sha-512'] as const)(
    'authenticates kafkajs with %s, and refuses its wrong password',
    async (mechanism) => {
      const admin = client(broker.bootstrap, secured('a long secret', mechanism)).admin();
      await admin.connect();
      expect(await admin.listTopics()).toContain('secured');
      await admin.disconnect();
      const wrong = client(broker.bootstrap, { ...secured('a wrong secret', mechanism), retry: { retries: 0 } });
      await expect(wrong.admin().connect()).rejects.toMatchObject({
        message: expect.stringMatching(/SASL SCRAM SHA\d+ authentication failed/),
      });
    },
  );

  it.skipIf(!hasKcat).each(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])(
    'serves librdkafka (kcat) as SASL_SSL with %s',
    async (mechanism) => {
      const security = [
        ['security.protocol', 'SASL_SSL'],
        ['sasl.mechanisms', mechanism],
        ['sasl.username', 'exchange'],
        ['sasl.password', 'a long secret'],
        ['ssl.ca.location', certificate.certFile],
      ].flatMap(([name, value]) => ['-X', `${name}=${value}`]);
      const securedKcat = (args: string[]) => kcat(['-b', broker.bootstrap, ...security, ...args]);
      const listing = JSON.parse(await securedKcat(['-L', '-J', '-t', 'secured'])) as { topics: { topic: string }[] };
      expect(listing.topics.map((topic) => topic.topic)).toEqual(['secured']);
      expect(await securedKcat(['-C', '-t', 'secured', '-p', '0', '-o', 'beginning', '-e', '-q'])).toBe('over tls\n');
    },
  );
});
