import type { Duplex } from 'node:stream';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ApiErrorBody, ApiErrorCode } from '@bolsa/contracts';
import type { FastifyReply } from 'fastify';
import { isDatabaseUnavailable } from '../database/errors.js';
import { ApiLogger } from '../observability/logger.js';
import type { TracedRequest } from '../observability/trace.js';
import { ApiError, BODY_LIMIT_BYTES } from './api-error.js';
import { RouteMethods } from './route-methods.js';

/** Maps every error to `{code, message, details}` and its status: the only place that does. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: ApiLogger,
    private readonly routes = new RouteMethods(),
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<TracedRequest>();
    const [status, body] = this.describe(error, request);
    const allowed = body.details['allowed'];
    if (status === 405 && Array.isArray(allowed)) void reply.header('allow', allowed.join(', '));
    // OPTIONS asks which methods a path takes: for a path some route has, the Allow header is the whole answer.
    if (status === 405 && request.method === 'OPTIONS') {
      void reply.status(204).send();
      return;
    }
    if (status >= 500) this.logger.pino.error({ traceId: request.traceId, err: error }, 'request failed');
    void reply.status(status).header('content-type', 'application/json');
    if (status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    const wait = body.details['retryAfterSeconds'];
    if (status === 429 && typeof wait === 'number') void reply.header('retry-after', String(wait));
    void reply.send(body);
  }

  private describe(error: unknown, request: TracedRequest): [number, ApiErrorBody] {
    if (error instanceof ApiError)
      return [error.status, { code: error.code, message: error.message, details: error.details }];
    if (isDatabaseUnavailable(error)) {
      return [503, { code: 'unavailable', message: 'the database is unavailable: try again shortly', details: {} }];
    }
    // Fastify's own refusals (routing, body parsing) arrive as HttpExceptions or as errors carrying a status.
    const status = error instanceof HttpException ? error.getStatus() : (error as { statusCode?: unknown }).statusCode;
    if (status === 404) {
      // No handler for this method: a path that some route has is answered 405, one that none has 404.
      const allowed = this.routes.allowedFor(request.url);
      if (allowed.length > 0) {
        const message = `${request.method} is not answered here; ${allowed.join(', ')} are`;
        return [405, { code: 'method_not_allowed', message, details: { allowed } }];
      }
    }
    const known = typeof status === 'number' ? FRAMEWORK_ERRORS.get(status) : undefined;
    if (known !== undefined) return [status as number, { code: known.code, message: known.message, details: {} }];
    if (error instanceof HttpException && error.getStatus() < 500)
      return [error.getStatus(), { code: 'validation_failed', message: error.message, details: {} }];
    return [500, { code: 'internal_error', message: 'something went wrong on our side', details: {} }];
  }
}

/** What a 503 asks clients to wait before trying again. */
const RETRY_AFTER_SECONDS = 5;

/** What the framework refuses before a handler runs, by status. */
const FRAMEWORK_ERRORS: ReadonlyMap<number, { code: ApiErrorCode; message: string }> = new Map([
  [400, { code: 'malformed_json', message: 'the body is not valid JSON' }],
  [404, { code: 'not_found', message: 'no such route' }],
  [413, { code: 'payload_too_large', message: `the body is larger than ${BODY_LIMIT_BYTES / 1024} KiB` }],
  [415, { code: 'unsupported_media_type', message: 'send the body as application/json' }],
]);

/**
 * The router's own refusals, which come before any hook or filter (Fastify's `frameworkErrors`): a path segment
 * too long for any route's parameter names nothing that exists; one that is not valid percent-encoding is bad input.
 */
export function routerRefusal(error: { code?: string }): [number, ApiErrorBody] {
  if (error.code === 'FST_ERR_BAD_URL') {
    return [400, { code: 'validation_failed', message: 'the address is not a valid URL', details: {} }];
  }
  return [404, { code: 'not_found', message: 'no such route or resource', details: {} }];
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (Fastify's `clientErrorHandler`): a request that is
 * not HTTP, headers past the size limit, one that took too long to arrive. The socket is closed after the answer.
 */
export function answerClientError(error: { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, label, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'the request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'the request did not arrive in time']
        : [400, 'Bad Request', 'the request is not valid HTTP'];
  const body: ApiErrorBody = { code: 'validation_failed', message, details: {} };
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${label}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
        `Connection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}
