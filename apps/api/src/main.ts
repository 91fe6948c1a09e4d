#!/usr/bin/env node
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { ApiLogger } from './observability/logger.js';

const config = loadConfig(process.env);
const app = await createApp(config);
const logger = app.get(ApiLogger).pino;
await app.listen(config.port, config.host);
logger.info({ url: await app.getUrl() }, 'api listening');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping');
    void app.close().then(() => process.exit(0));
  });
}
