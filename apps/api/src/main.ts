#!/usr/bin/env node
import pino from 'pino';
import { createApp } from './app.js';
import { loadConfig } from './config.js';

const config = loadConfig(process.env);
const logger = pino({ name: 'api', level: config.logLevel });
const app = await createApp(config);
await app.listen(config.port, config.host);
logger.info({ url: await app.getUrl() }, 'api listening');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping');
    void app.close().then(() => process.exit(0));
  });
}
