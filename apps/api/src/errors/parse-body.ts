import type { z } from 'zod';
import { ApiError } from './api-error.js';

/** Validates a request body against its contract schema; every field at fault becomes a field error. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw ApiError.validation(
    result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : 'body'),
      code: issue.code,
      message: `${issue.path.map(String).join('.') || 'body'} ${issue.message}`,
    })),
  );
}
