import type { FieldError } from '@bolsa/contracts';
import { z } from 'zod';
import { ApiError } from './api-error.js';

/** Validates a request body against its contract schema; every field at fault becomes a field error. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {}, { error: plainMessage });
  if (result.success) return result.data;
  throw ApiError.validation(result.error.issues.flatMap(fieldProblems));
}

function fieldProblems(issue: z.core.$ZodIssue): FieldError[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    // One error per key, each naming its own field, so a client can point at every one of them.
    return issue.keys.map((key) => {
      const field = path === '' ? key : `${path}.${key}`;
      return { field, code: issue.code, message: `${field} is not a field this request takes` };
    });
  }
  const field = path === '' ? 'body' : path;
  return [{ field, code: issue.code, message: `${field} ${issue.message}` }];
}

/**
 * Messages for the checks the contracts leave to zod (a field's type, an enum's values), said the way the
 * contracts' own messages are, after the field's name: "quantity must be a string, not a number" rather than zod's
 * "Invalid input: expected string, received number". Messages a schema sets itself win over these.
 */
function plainMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${withArticle(issue.expected)}, not ${withArticle(z.core.util.parsedType(issue.input))}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return undefined;
  }
}

function withArticle(type: string): string {
  if (type === 'null' || type === 'undefined') return type;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
