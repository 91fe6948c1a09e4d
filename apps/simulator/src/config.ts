import { z } from 'zod';

/** The simulator's configuration when it runs on its own (docker compose's `simulator` profile). */
const Environment = z.object({
  API_URL: z.url().default('http://127.0.0.1:3001'),
  SIMULATOR_ORDERS_PER_SECOND: z.coerce.number().positive().max(1000).default(4),
  /** Where the bots' API keys are kept, so a restart trades with the same accounts. */
  BOTS_FILE: z.string().min(1).default('/tmp/bolsa-simulator-bots.json'),
});

export type SimulatorConfig = z.infer<typeof Environment>;

export function loadConfig(environment: NodeJS.ProcessEnv): SimulatorConfig {
  const parsed = Environment.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid simulator configuration: ${problems}`);
  }
  return parsed.data;
}
