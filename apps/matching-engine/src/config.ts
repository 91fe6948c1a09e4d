import { readFileSync } from 'node:fs';
import {
  DEFAULT_INSTRUMENTS,
  InstrumentList,
  kafkaConnection,
  KafkaConnectionEnvironment,
  type Instrument,
  type KafkaConnection,
} from '@bolsa/contracts';
import { DEFAULT_PLACEMENT_MAX_DELAY_MS, DEFAULT_PLACEMENT_MEMORY_MS } from '@bolsa/order-book';
import { z } from 'zod';

/** The engine's whole configuration, read from the environment once, here and nowhere else. */
const Environment = z.object({
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  ...KafkaConnectionEnvironment,
  KAFKA_CLIENT_ID: z.string().min(1).default('matching-engine'),
  ENGINE_GROUP_ID: z.string().min(1).default('matching-engine'),
  SNAPSHOT_DIR: z.string().min(1).default('.data/engine-snapshots'),
  /** A snapshot (and the offset commit that goes with it) after this many commands on a partition… */
  SNAPSHOT_EVERY_COMMANDS: z.coerce.number().int().positive().default(10_000),
  /** …or after this long, whichever comes first. */
  SNAPSHOT_EVERY_MS: z.coerce.number().int().positive().default(5_000),
  /**
   * How long (in placement time) each book remembers the order ids placed in it: a placement sent again within it
   * changes nothing, one older than it is rejected as stale. The API re-sends orders it cannot tell were delivered.
   */
  PLACEMENT_MEMORY_MS: z.coerce.number().int().positive().default(DEFAULT_PLACEMENT_MEMORY_MS),
  /** How long after its recording an order's placement may be sent (re-sends included) and still be taken. */
  PLACEMENT_MAX_DELAY_MS: z.coerce.number().int().positive().default(DEFAULT_PLACEMENT_MAX_DELAY_MS),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** A JSON file with the instrument list; the shared defaults otherwise. */
  INSTRUMENTS_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface EngineConfig {
  readonly brokers: string[];
  /** TLS and SASL, for kafkajs. */
  readonly kafka: KafkaConnection;
  readonly clientId: string;
  readonly groupId: string;
  readonly snapshotDir: string;
  readonly snapshotEveryCommands: number;
  readonly snapshotEveryMs: number;
  readonly placementMemoryMs: number;
  readonly placementMaxDelayMs: number;
  readonly metricsPort: number;
  readonly metricsHost: string;
  readonly instruments: readonly Instrument[];
  readonly logLevel: string;
}

export function loadConfig(environment: NodeJS.ProcessEnv): EngineConfig {
  const parsed = Environment.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid engine configuration: ${problems}`);
  }
  const env = parsed.data;
  const kafka = kafkaConnection(env, (path) => readFileSync(path, 'utf8'));
  if (typeof kafka === 'string') throw new Error(`invalid engine configuration: ${kafka}`);
  const instruments =
    env.INSTRUMENTS_FILE === undefined
      ? DEFAULT_INSTRUMENTS
      : InstrumentList.parse(JSON.parse(readFileSync(env.INSTRUMENTS_FILE, 'utf8')));
  return {
    brokers: env.KAFKA_BROKERS.split(',').map((broker) => broker.trim()),
    kafka,
    clientId: env.KAFKA_CLIENT_ID,
    groupId: env.ENGINE_GROUP_ID,
    snapshotDir: env.SNAPSHOT_DIR,
    snapshotEveryCommands: env.SNAPSHOT_EVERY_COMMANDS,
    snapshotEveryMs: env.SNAPSHOT_EVERY_MS,
    placementMemoryMs: env.PLACEMENT_MEMORY_MS,
    placementMaxDelayMs: env.PLACEMENT_MAX_DELAY_MS,
    metricsPort: env.METRICS_PORT,
    metricsHost: env.METRICS_HOST,
    instruments,
    logLevel: env.LOG_LEVEL,
  };
}
