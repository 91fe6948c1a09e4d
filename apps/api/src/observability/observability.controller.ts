import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiMetrics } from './metrics.js';

@Controller()
export class ObservabilityController {
  constructor(@Inject(ApiMetrics) private readonly metrics: ApiMetrics) {}

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async exposition(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
