import { Global, Module } from '@nestjs/common';
import { ApiMetrics } from './metrics.js';
import { ObservabilityController } from './observability.controller.js';

@Global()
@Module({ providers: [ApiMetrics], exports: [ApiMetrics], controllers: [ObservabilityController] })
export class ObservabilityModule {}
