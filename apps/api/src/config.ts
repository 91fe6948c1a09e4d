import { readFileSync } from 'node:fs';
import { DEFAULT_INSTRUMENTS, InstrumentList, type Instrument } from '@bolsa/contracts';
import { z } from 'zod';

/** The API's whole configuration, read from the environment once, here and nowhere else. */
const Environment = z.object({
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  API_HOST: z.string().default('127.0.0.1'),
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  INSTRUMENTS_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ApiConfig {
  readonly port: number;
  readonly host: string;
  readonly brokers: string[];
  readonly instruments: readonly Instrument[];
  readonly logLevel: string;
}

export const API_CONFIG = Symbol('ApiConfig');

export function loadConfig(environment: NodeJS.ProcessEnv): ApiConfig {
  const parsed = Environment.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid API configuration: ${problems}`);
  }
  const env = parsed.data;
  return {
    port: env.API_PORT,
    host: env.API_HOST,
    brokers: env.KAFKA_BROKERS.split(',').map((broker) => broker.trim()),
    instruments:
      env.INSTRUMENTS_FILE === undefined
        ? DEFAULT_INSTRUMENTS
        : InstrumentList.parse(JSON.parse(readFileSync(env.INSTRUMENTS_FILE, 'utf8'))),
    logLevel: env.LOG_LEVEL,
  };
}
