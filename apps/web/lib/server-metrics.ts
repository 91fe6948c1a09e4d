import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

interface WebMetrics {
  readonly registry: Registry;
  readonly proxied: Counter<'method' | 'status'>;
}

const KEY = Symbol.for('bolsa.web.metrics');

/** One registry per server process, however Next splits routes into bundles. */
export function webMetrics(): WebMetrics {
  const holder = globalThis as { [KEY]?: WebMetrics };
  if (holder[KEY] === undefined) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'web_' });
    const proxied = new Counter({
      name: 'web_api_proxy_requests_total',
      help: 'Requests the web server passed to the API, by method and answer',
      labelNames: ['method', 'status'] as const,
      registers: [registry],
    });
    holder[KEY] = { registry, proxied };
  }
  return holder[KEY];
}
