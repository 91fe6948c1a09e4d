#!/usr/bin/env node
import pino from 'pino';
import { loadConfig } from './config.js';
import { EngineService, type StopReason } from './engine-service.js';
import { EngineMetrics, serveMetrics } from './metrics.js';

const config = loadConfig(process.env);
const logger = pino({ name: 'matching-engine', level: config.logLevel });
const metrics = new EngineMetrics();
const STOP_MESSAGES: Record<StopReason, string> = {
  send_refused: 'Kafka refused events for good',
  consumer_stopped: 'kafkajs stopped the command consumer for good',
  partition_unrecoverable: 'a partition cannot be recovered',
};
const engine = new EngineService(config, logger, metrics, (reason, error) => {
  // Its supervisor (the launcher, compose, Kubernetes) starts it again, from its snapshots.
  logger.fatal({ err: error, reason }, `${STOP_MESSAGES[reason]}: exiting to start over from the snapshots`);
  process.exit(1);
});
const server = await serveMetrics(metrics, () => engine.healthy, config.metricsPort, config.metricsHost);
const address = server.address();
logger.info(
  {
    metrics:
      typeof address === 'object' && address !== null ? `http://${config.metricsHost}:${address.port}/metrics` : null,
  },
  'metrics served',
);

try {
  await engine.start();
} catch (error) {
  logger.fatal({ err: error }, 'the engine could not start');
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: snapshotting every partition');
    void engine
      .stop()
      .then(() => server.close())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      });
  });
}
