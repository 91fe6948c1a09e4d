import { z } from 'zod';

/** The web app's only configuration, read once: where the API is. */
const Environment = z.object({
  API_URL: z.url().default('http://127.0.0.1:3001'),
});

export function webConfig(environment: NodeJS.ProcessEnv = process.env): { apiUrl: string } {
  const parsed = Environment.safeParse(environment);
  if (!parsed.success) {
    throw new Error(
      `invalid web configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return { apiUrl: parsed.data.API_URL.replace(/\/$/, '') };
}
