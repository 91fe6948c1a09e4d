import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import fastifyCookie from '@fastify/cookie';
import { AccountsModule } from './accounts/accounts.module.js';
import { AdminModule } from './admin/admin.module.js';
import { AlertsModule } from './alerts/alerts.module.js';
import type { AuthenticatedRequest } from './auth/auth.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { API_CONFIG, type ApiConfig } from './config.js';
import { DatabaseModule } from './database/database.module.js';
import { DocsModule } from './docs/docs.module.js';
import { answerClientError, ErrorFilter, routerRefusal } from './errors/error-filter.js';
import { RouteMethods } from './errors/route-methods.js';
import { BODY_LIMIT_BYTES } from './errors/api-error.js';
import { EventsModule } from './events/events.module.js';
import { MarketsModule } from './markets/markets.module.js';
import { ApiMetrics } from './observability/metrics.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { ApiLogger } from './observability/logger.js';
import { assignTraceId, type TracedRequest } from './observability/trace.js';
import { OrdersModule } from './orders/orders.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { StreamsModule } from './streams/streams.module.js';
import { WalletsModule } from './wallets/wallets.module.js';

@Module({})
class ConfigModule {
  static with(config: ApiConfig, logger: ApiLogger): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: ApiLogger, useValue: logger },
      ],
      exports: [API_CONFIG, ApiLogger],
    };
  }
}

export interface AppOptions {
  /** Where log lines go (standard output when absent). */
  readonly logDestination?: DestinationStream;
}

/** Builds the application (not yet listening): what `main.ts` starts and what the tests drive. */
export async function createApp(config: ApiConfig, options: AppOptions = {}): Promise<NestFastifyApplication> {
  const logger = new ApiLogger(config.logLevel, options.logDestination);

  @Module({
    imports: [
      ConfigModule.with(config, logger),
      DatabaseModule,
      ObservabilityModule,
      AuthModule,
      WalletsModule,
      MarketsModule,
      AccountsModule,
      OrdersModule,
      EventsModule,
      StreamsModule,
      AlertsModule,
      AdminModule,
      SessionsModule,
      DocsModule,
    ],
  })
  class AppModule {}

  // forceCloseConnections: open SSE streams must not hold a shutdown hostage.
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // request.ip is the client's as the trusted proxies (the web's proxy route, an ingress) name it.
    trustProxy: config.trustProxy,
    forceCloseConnections: true,
    clientErrorHandler: answerClientError,
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const [status, body] = routerRefusal(error);
      void reply.status(status).header('content-type', 'application/json').send(body);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    logger: false,
    // The API reads JSON only, with the parser below.
    bodyParser: false,
  });
  await app.register(fastifyCookie);
  const fastify = app.getHttpAdapter().getInstance();
  // Nest registers the controllers' routes when the app starts, after this hook.
  const routes = new RouteMethods();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  app.useGlobalFilters(new ErrorFilter(logger, routes));
  const metrics = app.get(ApiMetrics);
  // Bodies are JSON only (anything else is 415). An empty body labelled JSON (curl -X DELETE -H 'content-type:
  // application/json') is no body, not bad JSON.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') done(null, undefined);
    else parseJson(request, text, done);
  });
  fastify.addHook('onRequest', async (request, reply) => assignTraceId(request, reply));
  fastify.addHook('onResponse', async (request: AuthenticatedRequest & TracedRequest, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpSeconds.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    logger.pino.info(
      {
        traceId: request.traceId,
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        accountId: request.caller?.accountId,
      },
      'request',
    );
  });
  return app;
}
