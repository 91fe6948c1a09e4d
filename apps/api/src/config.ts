import { readFileSync } from 'node:fs';
import { DEFAULT_INSTRUMENTS, InstrumentList, type Instrument } from '@bolsa/contracts';
import { z } from 'zod';

/** The API's whole configuration, read from the environment once, here and nowhere else. */
const Environment = z.object({
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  API_HOST: z.string().default('127.0.0.1'),
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, { error: 'must be a postgresql:// URL' }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  INSTRUMENTS_FILE: z.string().optional(),
  /** Whether this process stores engine events (off for a process that only serves reads). */
  EVENTS_CONSUMER: z.enum(['on', 'off']).default('on'),
  EVENTS_GROUP_ID: z.string().min(1).default('api-events'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ApiConfig {
  readonly port: number;
  readonly host: string;
  readonly brokers: string[];
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly consumeEvents: boolean;
  readonly eventsGroupId: string;
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
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    consumeEvents: env.EVENTS_CONSUMER === 'on',
    eventsGroupId: env.EVENTS_GROUP_ID,
    instruments:
      env.INSTRUMENTS_FILE === undefined
        ? DEFAULT_INSTRUMENTS
        : InstrumentList.parse(JSON.parse(readFileSync(env.INSTRUMENTS_FILE, 'utf8'))),
    logLevel: env.LOG_LEVEL,
  };
}
