import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ApiErrorBody } from '@bolsa/contracts';
import type { FastifyReply } from 'fastify';
import { ApiLogger } from '../observability/logger.js';
import type { TracedRequest } from '../observability/trace.js';
import { ApiError } from './api-error.js';

/** Maps every error to `{code, message, details}` and its status: the only place that does. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: ApiLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.describe(error);
    if (status >= 500) {
      const traceId = host.switchToHttp().getRequest<TracedRequest>().traceId;
      this.logger.pino.error({ traceId, err: error }, 'request failed');
    }
    void reply.status(status).header('content-type', 'application/json').send(body);
  }

  private describe(error: unknown): [number, ApiErrorBody] {
    if (error instanceof ApiError)
      return [error.status, { code: error.code, message: error.message, details: error.details }];
    if (error instanceof HttpException) {
      const status = error.getStatus();
      if (status === 404) return [404, { code: 'not_found', message: 'no such route', details: {} }];
      if (status === 400) return [400, { code: 'malformed_json', message: 'the body is not valid JSON', details: {} }];
      if (status === 413) return [413, { code: 'validation_failed', message: 'the body is too large', details: {} }];
      return [
        status,
        { code: status < 500 ? 'validation_failed' : 'internal_error', message: error.message, details: {} },
      ];
    }
    const withStatus = error as { statusCode?: number; code?: string };
    if (withStatus.statusCode === 400 || withStatus.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return [400, { code: 'malformed_json', message: 'the body is not valid JSON', details: {} }];
    }
    return [500, { code: 'internal_error', message: 'something went wrong on our side', details: {} }];
  }
}
