import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of the engine, on a registry of its own. */
export class EngineMetrics {
  readonly registry = new Registry();
  readonly commands = new Counter({
    name: 'engine_commands_total',
    help: 'Order commands consumed, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly events = new Counter({
    name: 'engine_events_total',
    help: 'Engine events published, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly matchSeconds = new Histogram({
    name: 'engine_match_duration_seconds',
    help: 'Time to apply one command to its order book',
    buckets: [1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3],
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: 'engine_consumer_lag',
    help: 'Commands on the partition not yet processed',
    labelNames: ['partition'] as const,
    registers: [this.registry],
  });
  readonly waiting = new Gauge({
    name: 'engine_partition_waiting',
    help: '1 while the partition waits at a command of a schema version this engine cannot read (a newer API)',
    labelNames: ['partition'] as const,
    registers: [this.registry],
  });
  readonly snapshots = new Counter({
    name: 'engine_snapshots_total',
    help: 'Partition snapshots written',
    registers: [this.registry],
  });
  readonly uncommittedSnapshots = new Counter({
    name: 'engine_snapshot_commits_failed_total',
    help: 'Snapshots written whose offset Kafka did not take (committed with the next snapshot instead)',
    registers: [this.registry],
  });
  readonly partitions = new Gauge({
    name: 'engine_partitions_assigned',
    help: 'Input partitions this engine owns',
    registers: [this.registry],
  });

  private tradingStatus: () => Iterable<BookStatus> = () => [];

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'engine_' });
    const status = () => this.tradingStatus();
    new Gauge({
      name: 'engine_book_halted',
      help: '1 while a book this engine runs is halted (its trading suspended), else 0; compare api_trading_halted',
      labelNames: ['symbol'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { symbol, halted } of status()) this.set({ symbol }, halted ? 1 : 0);
      },
    });
    new Gauge({
      name: 'engine_book_auction',
      help:
        '1 while a book this engine runs is in a call auction (orders rest without trading until it uncrosses), ' +
        'else 0; compare api_market_auction and api_trading_reopening',
      labelNames: ['symbol'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { symbol, inAuction } of status()) this.set({ symbol }, inAuction ? 1 : 0);
      },
    });
  }

  /** Where `engine_book_halted` and `engine_book_auction` read the books' state from, at each scrape. */
  watchTradingStatus(read: () => Iterable<BookStatus>): void {
    this.tradingStatus = read;
  }
}

/** A book's state as the metrics tell it. */
export interface BookStatus {
  readonly symbol: string;
  readonly halted: boolean;
  readonly inAuction: boolean;
}

/** `/metrics` for Prometheus and `/health` (200 while the engine consumes, 503 otherwise). */
export async function serveMetrics(
  metrics: EngineMetrics,
  healthy: () => boolean,
  port: number,
  host: string,
): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      void metrics.registry.metrics().then((text) => {
        response.writeHead(200, { 'content-type': metrics.registry.contentType });
        response.end(text);
      });
    } else if (request.url === '/health') {
      const ok = healthy();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: ok ? 'ok' : 'starting' }));
    } else {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 'not_found', message: 'try /metrics or /health', details: {} }));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}
