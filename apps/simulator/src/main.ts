#!/usr/bin/env node
import { loadConfig } from './config.js';
import { MarketSimulator } from './simulator.js';

/** Runs the market simulator against an API until stopped; the API may still be starting, so it waits for it. */
const config = loadConfig(process.env);
const simulator = new MarketSimulator(
  config.API_URL.replace(/\/$/, ''),
  config.BOTS_FILE,
  config.SIMULATOR_ORDERS_PER_SECOND,
);
for (let attempt = 1; ; attempt++) {
  try {
    await simulator.start();
    break;
  } catch (error) {
    if (attempt >= 60) throw error;
    console.error(
      `[simulator] the API is not ready (${error instanceof Error ? error.message : String(error)}); retrying`,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
console.log(`[simulator] trading at ${config.SIMULATOR_ORDERS_PER_SECOND} orders/s against ${config.API_URL}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void simulator.stop().then(() => process.exit(0)));
}
