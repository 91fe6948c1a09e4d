import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The API's Prometheus registry; feature modules add their own metrics to it. */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpSeconds = new Histogram({
    name: 'api_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'api_' });
  }
}
