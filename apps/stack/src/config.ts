import { DEFAULT_RETENTION_HOURS } from '@bolsa/kafka-broker';
import { z } from 'zod';

/** The launcher's configuration: ports, where data lives, and external Kafka/PostgreSQL when given. */
const Environment = z.object({
  DATA_DIR: z.string().optional(),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /**
   * Set, engine events are stored by an API process of their own, listening here (for /health and /metrics), and
   * the one on API_PORT only serves clients, tailing them from PostgreSQL, as the Kubernetes manifests run them.
   * Unset, one API process does both, as docker compose runs it: on a small machine that leaves more CPU for the
   * rest (see the README).
   */
  INGEST_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  KAFKA_PORT: z.coerce.number().int().min(0).max(65535).default(9092),
  /**
   * The embedded broker's flush: `always` serves and acknowledges a record only once it is on the disk, so a machine
   * that stops loses nothing Kafka acknowledged and PostgreSQL recorded (from order to fill ~1.5 ms more at 200
   * orders/s, ~18 ms more at 1,000/s, measured); `never` leaves it to the operating system, as Kafka does by default.
   */
  KAFKA_FSYNC: z.enum(['always', 'never']).default('always'),
  /**
   * How long the embedded broker keeps records (whole segments of 64 MiB go once their newest record is older), as
   * Kafka's default `retention.ms` of 7 days, so that a stack left running does not fill the disk with its logs.
   */
  KAFKA_RETENTION_HOURS: z.coerce.number().positive().default(DEFAULT_RETENTION_HOURS),
  POSTGRES_PORT: z.coerce.number().int().min(0).max(65535).default(54329),
  ENGINE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** The home broker (Next.js). */
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** A few bot accounts trading around a random walk, so the screens are alive on first launch. */
  SIMULATOR: z.enum(['on', 'off']).default('on'),
  SIMULATOR_ORDERS_PER_SECOND: z.coerce.number().positive().max(1000).default(4),
  /** Use this Kafka instead of the embedded broker. */
  KAFKA_BROKERS: z.string().min(1).optional(),
  /** Use this PostgreSQL instead of the embedded one. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//)
    .optional(),
  /** The administrator the stack seeds; without ADMIN_PASSWORD a random one is made once and kept in DATA_DIR. */
  ADMIN_EMAIL: z.email().default('admin@bolsa.local'),
  ADMIN_PASSWORD: z.string().min(10).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * How the apps' log lines are printed: `json` as the apps write them (pino), `pretty` one readable line each (time,
   * level, message, then the other fields), `auto` pretty when printing to a terminal and JSON otherwise.
   */
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  /** Stop when this process is gone: set by tests and benchmarks, so a killed run leaves no stack behind. */
  STOP_WITH_PID: z.coerce.number().int().positive().optional(),
  /** Remove DATA_DIR once stopped: for the throwaway directories of tests and benchmarks. */
  DATA_DIR_DISPOSABLE: z.enum(['on', 'off']).default('off'),
});

export type StackConfig = z.infer<typeof Environment>;

export function loadConfig(environment: NodeJS.ProcessEnv): StackConfig {
  const parsed = Environment.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}
