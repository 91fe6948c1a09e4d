import { describe, expect, it } from 'vitest';
import { kafkaConnection, KafkaConnectionSettings } from '../src/index.js';

const settings = (environment: Record<string, string>) => KafkaConnectionSettings.parse(environment);
const files: Record<string, string> = { '/etc/kafka/ca.pem': '-----BEGIN CERTIFICATE-----…' };
const read = (path: string) => files[path] ?? '';

describe('kafkaConnection', () => {
  it('is plain TCP without SASL unless told otherwise', () => {
    expect(kafkaConnection(settings({}), read)).toEqual({ ssl: false });
  });

  it('uses TLS, trusting the system authorities or the one in a file', () => {
    expect(kafkaConnection(settings({ KAFKA_TLS: 'on' }), read)).toEqual({ ssl: true });
    const withAuthority = settings({ KAFKA_TLS: 'on', KAFKA_TLS_CA_FILE: '/etc/kafka/ca.pem' });
    expect(kafkaConnection(withAuthority, read)).toEqual({ ssl: { ca: ['-----BEGIN CERTIFICATE-----…'] } });
  });

  it('authenticates with the mechanism and credentials given', () => {
    const sasl = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'bolsa', KAFKA_SASL_PASSWORD: 's3' };
    expect(kafkaConnection(settings({ ...sasl, KAFKA_TLS: 'on' }), read)).toEqual({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'bolsa', password: 's3' },
    });
  });

  it('says what is missing or contradictory, naming the variables', () => {
    expect(kafkaConnection(settings({ KAFKA_TLS_CA_FILE: '/etc/kafka/ca.pem' }), read)).toBe(
      'KAFKA_TLS_CA_FILE: set KAFKA_TLS=on to use it',
    );
    expect(kafkaConnection(settings({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'bolsa' }), read)).toBe(
      'KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD: both required with KAFKA_SASL_MECHANISM=plain',
    );
    expect(kafkaConnection(settings({ KAFKA_SASL_USERNAME: 'bolsa', KAFKA_SASL_PASSWORD: 's3' }), read)).toBe(
      'KAFKA_SASL_MECHANISM: required with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
    );
    expect(() => settings({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow();
    expect(() => settings({ KAFKA_TLS: 'yes' })).toThrow();
  });
});
