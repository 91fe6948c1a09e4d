import { webMetrics } from '../../lib/server-metrics';

/** Prometheus metrics of the web server (process, event loop, proxied API calls). */
export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const { registry } = webMetrics();
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
}
