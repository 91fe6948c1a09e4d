import { z } from 'zod';

/** Where the API is: read once by the proxy route. */
const Environment = z.object({
  API_URL: z.url().default('http://127.0.0.1:3001'),
});

/** Where this server listens: read once by `server.ts`. */
const ServerEnvironment = z.object({
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  WEB_HOST: z.string().min(1).default('127.0.0.1'),
});

function parsed<Schema extends z.ZodType>(schema: Schema, environment: NodeJS.ProcessEnv): z.output<Schema> {
  const result = schema.safeParse(environment);
  if (!result.success) {
    throw new Error(
      `invalid web configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}

export function webConfig(environment: NodeJS.ProcessEnv = process.env): { apiUrl: string } {
  return { apiUrl: parsed(Environment, environment).API_URL.replace(/\/$/, '') };
}

export function webServerConfig(environment: NodeJS.ProcessEnv = process.env): { port: number; host: string } {
  const env = parsed(ServerEnvironment, environment);
  return { port: env.WEB_PORT, host: env.WEB_HOST };
}
