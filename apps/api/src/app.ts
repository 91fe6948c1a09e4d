import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyCookie from '@fastify/cookie';
import { AccountsModule } from './accounts/accounts.module.js';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { API_CONFIG, type ApiConfig } from './config.js';
import { DatabaseModule } from './database/database.module.js';
import { DocsModule } from './docs/docs.module.js';
import { ErrorFilter } from './errors/error-filter.js';
import { EventsModule } from './events/events.module.js';
import { MarketsModule } from './markets/markets.module.js';
import { ApiMetrics } from './observability/metrics.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { assignTraceId } from './observability/trace.js';
import { OrdersModule } from './orders/orders.module.js';
import { StreamsModule } from './streams/streams.module.js';
import { WalletsModule } from './wallets/wallets.module.js';

@Module({})
class ConfigModule {
  static with(config: ApiConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: API_CONFIG, useValue: config }],
      exports: [API_CONFIG],
    };
  }
}

/** Builds the application (not yet listening): what `main.ts` starts and what the tests drive. */
export async function createApp(config: ApiConfig): Promise<NestFastifyApplication> {
  @Module({
    imports: [
      ConfigModule.with(config),
      DatabaseModule,
      ObservabilityModule,
      AuthModule,
      WalletsModule,
      MarketsModule,
      AccountsModule,
      OrdersModule,
      EventsModule,
      StreamsModule,
      AdminModule,
      DocsModule,
    ],
  })
  class AppModule {}

  // forceCloseConnections: open SSE streams must not hold a shutdown hostage.
  const adapter = new FastifyAdapter({ bodyLimit: 64 * 1024, forceCloseConnections: true });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { logger: false });
  await app.register(fastifyCookie);
  app.useGlobalFilters(new ErrorFilter());
  const metrics = app.get(ApiMetrics);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => assignTraceId(request, reply));
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpSeconds.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  return app;
}
