import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type RunningBroker } from '@bolsa/kafka-broker';
import { selfSignedCertificate } from '@bolsa/kafka-broker/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import { program, programAccount } from './browser.js';

let dir: string;
let broker: RunningBroker;
let stack: LaunchedStack;

// Kafka as managed services offer it: TLS with a certificate of their own authority, and SASL (SCRAM or PLAIN).
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bolsa-secured-kafka-'));
  const certificate = selfSignedCertificate(dir);
  broker = await startBroker({
    tls: { key: certificate.key, cert: certificate.cert },
    saslUsers: { bolsa: 'a broker secret' },
  });
  stack = await launchStack({
    KAFKA_BROKERS: broker.bootstrap,
    KAFKA_TLS: 'on',
    KAFKA_TLS_CA_FILE: certificate.certFile,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'bolsa',
    KAFKA_SASL_PASSWORD: 'a broker secret',
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the platform on a Kafka that takes TLS and SASL only', () => {
  it('does not start with a wrong password, and says why', { timeout: 60_000 }, async () => {
    const refusal = await launchStack({
      KAFKA_BROKERS: broker.bootstrap,
      KAFKA_TLS: 'on',
      KAFKA_TLS_CA_FILE: join(dir, 'server.crt'),
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'bolsa',
      KAFKA_SASL_PASSWORD: 'not the secret',
    }).then(
      () => 'started',
      (error: unknown) => String(error),
    );
    // Rather than waiting out its minute for the engine's health: the engine's own lines name the cause.
    expect(refusal).toMatch(/could not start: the engine exited 3 times while starting; its lines above say why/);
    expect(refusal).toMatch(/SASL PLAIN authentication failed/);
  });

  it('trades: the API sends commands, the engine matches them, the events come back', { timeout: 60_000 }, async () => {
    const [seller, buyer] = await Promise.all([
      programAccount(stack.api, 'SeguroVende'),
      programAccount(stack.api, 'SeguroCompra'),
    ]);
    await program(stack.api, seller, 'sell', 'VALE3', '61.00', '4');
    await program(stack.api, buyer, 'buy', 'VALE3', '61.00', '4');
    const deadline = Date.now() + 30_000;
    let trades: { price: string; quantity: string }[] = [];
    while (trades.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      trades = (await (await fetch(`${stack.api}/api/markets/VALE3/trades`)).json()) as typeof trades;
    }
    expect(trades.map((trade) => [trade.price, trade.quantity])).toEqual([['61.00', '4']]);
  });
});
