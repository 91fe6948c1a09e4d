import { z } from 'zod';

/**
 * How every process reaches Kafka beyond the brokers' addresses, from the environment they share: TLS, with the
 * certificate authority to trust when it is not the system's, and SASL (what managed Kafka services ask for).
 * Each app's config parses these with its own and hands the result to kafkajs as it is.
 */
export const KafkaConnectionEnvironment = {
  KAFKA_TLS: z.enum(['on', 'off']).default('off'),
  /** PEM file of the authority that signed the brokers' certificates; the system's authorities otherwise. */
  KAFKA_TLS_CA_FILE: z.string().min(1).optional(),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
};

/** The same variables as one schema, for a program that reads them alone. */
export const KafkaConnectionSettings = z.object(KafkaConnectionEnvironment);
export type KafkaConnectionSettings = z.infer<typeof KafkaConnectionSettings>;

type SaslMechanism = NonNullable<KafkaConnectionSettings['KAFKA_SASL_MECHANISM']>;

/** kafkajs's `ssl` and `sasl` options (its `sasl` is a union by mechanism). */
export interface KafkaConnection {
  readonly ssl: boolean | { ca: string[] };
  readonly sasl?: { [M in SaslMechanism]: { mechanism: M; username: string; password: string } }[SaslMechanism];
}

/**
 * The connection options the settings describe, or what is wrong with them (a mechanism without its credentials,
 * credentials without a mechanism, an authority without TLS). `readText` reads the authority's file.
 */
export function kafkaConnection(
  settings: KafkaConnectionSettings,
  readText: (path: string) => string,
): KafkaConnection | string {
  const { KAFKA_TLS: tls, KAFKA_TLS_CA_FILE: caFile, KAFKA_SASL_MECHANISM: mechanism } = settings;
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = settings;
  if (caFile !== undefined && tls !== 'on') return 'KAFKA_TLS_CA_FILE: set KAFKA_TLS=on to use it';
  if (mechanism === undefined && (username !== undefined || password !== undefined)) {
    return 'KAFKA_SASL_MECHANISM: required with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD';
  }
  if (mechanism !== undefined && (username === undefined || password === undefined)) {
    return `KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD: both required with KAFKA_SASL_MECHANISM=${mechanism}`;
  }
  const ssl = tls === 'off' ? false : caFile === undefined ? true : { ca: [readText(caFile)] };
  if (mechanism === undefined || username === undefined || password === undefined) return { ssl };
  return { ssl, sasl: { mechanism, username, password } };
}
