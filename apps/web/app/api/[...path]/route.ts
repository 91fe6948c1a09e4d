import { webConfig } from '../../../config';
import { webMetrics } from '../../../lib/server-metrics';

/**
 * Same-origin proxy to the Bolsa API, so the browser only ever talks to this origin: the session cookie is
 * first-party and the CSRF cookie readable. The API address is read when the server starts (not baked in at build
 * time), and bodies stream both ways, so Server-Sent Events pass through as they are written.
 */
export const dynamic = 'force-dynamic';

const { apiUrl } = webConfig();
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'authorization',
  'content-type',
  'cookie',
  'idempotency-key',
  'last-event-id',
  'traceparent',
  // Kept with a login, so that the account's owner can tell its sessions apart.
  'user-agent',
  'x-csrf-token',
  // The browser's address (Next sets it, or keeps an ingress's): the API's login limits count per client address.
  'x-forwarded-for',
];
const DROPPED_RESPONSE_HEADERS = [
  'connection',
  'content-encoding',
  'content-length',
  'keep-alive',
  'transfer-encoding',
];

async function forward(request: Request, { params }: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await params;
  const url = new URL(request.url);
  const target = `${apiUrl}/api/${path.map(encodeURIComponent).join('/')}${url.search}`;
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      signal: request.signal,
      redirect: 'manual',
      ...(hasBody ? { body: await request.arrayBuffer() } : {}),
    });
  } catch {
    webMetrics().proxied.inc({ method: request.method, status: '503' });
    return Response.json(
      { code: 'unavailable', message: 'the API could not be reached', details: {} },
      { status: 503 },
    );
  }
  webMetrics().proxied.inc({ method: request.method, status: String(upstream.status) });
  const responseHeaders = new Headers(upstream.headers);
  for (const name of DROPPED_RESPONSE_HEADERS) responseHeaders.delete(name);
  return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
}

export const GET = forward;
export const POST = forward;
export const PATCH = forward;
export const PUT = forward;
export const DELETE = forward;
