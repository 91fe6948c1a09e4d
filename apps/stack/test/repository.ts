import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, and its files read from there. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/**
 * The environment variables an app's zod config reads: its `config.ts` lists them as schema keys, and takes Kafka's
 * TLS and SASL settings from the contracts when it spreads `KafkaConnectionEnvironment` into its schema.
 */
export function configKeys(configFile: string): Set<string> {
  const keysOf = (text: string) =>
    [...text.matchAll(/^\s+([A-Z][A-Z0-9_]+): z(?:\.|\s*$)/gm)].map((match) => match[1]!);
  const text = read(configFile);
  const kafka = text.includes('...KafkaConnectionEnvironment')
    ? keysOf(read('packages/contracts/src/kafka-connection.ts'))
    : [];
  return new Set([...keysOf(text), ...kafka]);
}
