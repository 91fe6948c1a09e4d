import { ApiErrorBody, type FieldError } from '@bolsa/contracts';

/** An error answer of the API, with its machine-readable code and the fields at fault. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly FieldError[] = [],
    /** The error body's other details (`required` and `available` of an insufficient balance, …). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** The CSRF token the API set (readable by design) for cookie-authenticated writes. */
function csrfToken(): string | null {
  const match = /(?:^|;\s*)bolsa_csrf=([^;]+)/.exec(document.cookie);
  return match?.[1] === undefined ? null : decodeURIComponent(match[1]);
}

/**
 * Whether the browser may hold a session: the API sets and clears the CSRF cookie with the (unreadable) session
 * cookie, so without it there is no session to ask about.
 */
export function maybeSignedIn(): boolean {
  return csrfToken() !== null;
}

/** Same-origin calls to the API (proxied by Next), with the session cookie and, on writes, the CSRF token. */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Readonly<Record<string, string>> = {},
): Promise<T> {
  return (await apiAnswer<T>(method, path, body, extraHeaders)).body;
}

/** `api`, with the answer's headers too (those an endpoint documents beside its body). */
export async function apiAnswer<T>(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Readonly<Record<string, string>> = {},
): Promise<{ body: T; headers: Headers }> {
  const headers: Record<string, string> = { ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = method === 'GET' ? null : csrfToken();
  if (csrf !== null) headers['x-csrf-token'] = csrf;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed: unknown = text === '' ? null : JSON.parse(text);
  if (!response.ok) {
    const error = ApiErrorBody.safeParse(parsed);
    if (error.success) {
      const { fields = [], ...details } = error.data.details;
      throw new ApiFailure(response.status, error.data.code, error.data.message, fields, details);
    }
    throw new ApiFailure(response.status, 'internal_error', `the API answered ${response.status}`);
  }
  return { body: parsed as T, headers: response.headers };
}

/** A fresh Idempotency-Key: 128 random bits in hex (`crypto.randomUUID` needs a secure context; this does not). */
export function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
