import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The request's trace id: from a W3C `traceparent` header when the caller sends one, new otherwise. */
export type TracedRequest = FastifyRequest & { traceId?: string };

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

export function assignTraceId(request: TracedRequest, reply: FastifyReply): void {
  const given = TRACEPARENT.exec(String(request.headers['traceparent'] ?? ''))?.[1];
  // randomUUID draws from a buffer of entropy refilled now and then; randomBytes is a system call per request.
  const traceId = given !== undefined && given !== '0'.repeat(32) ? given : randomUUID().replaceAll('-', '');
  request.traceId = traceId;
  void reply.header('x-trace-id', traceId);
}

export function traceOf(request: TracedRequest): string {
  if (request.traceId === undefined) throw new Error('trace id hook did not run');
  return request.traceId;
}
