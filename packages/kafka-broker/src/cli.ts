#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DEFAULT_RETENTION_HOURS, startBroker } from './broker.js';

const usage = `usage: node packages/kafka-broker/dist/src/cli.js [--port 9092] [--host 127.0.0.1]
         [--data-dir DIR | --in-memory] [--partitions 3] [--fsync always|never] [--retention-hours ${DEFAULT_RETENTION_HOURS}]`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '9092' },
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string', default: '.data/kafka' },
        'in-memory': { type: 'boolean', default: false },
        partitions: { type: 'string', default: '3' },
        fsync: { type: 'string', default: 'never' },
        'retention-hours': { type: 'string', default: String(DEFAULT_RETENTION_HOURS) },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  const partitions = Number(values.partitions);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be 0-65535');
  if (!Number.isInteger(partitions) || partitions < 1) fail('--partitions must be a positive integer');
  if (values.fsync !== 'always' && values.fsync !== 'never') fail('--fsync must be always or never');
  const retentionHours = Number(values['retention-hours']);
  if (!(retentionHours > 0)) fail('--retention-hours must be a positive number');
  const dataDir = values['in-memory'] ? null : values['data-dir'];
  const broker = await startBroker({
    port,
    host: values.host,
    dataDir,
    partitions,
    fsync: values.fsync,
    retentionMs: retentionHours * 60 * 60 * 1000,
    log: (line) => console.error(`[broker] ${line}`),
  });
  console.log(`bolsa kafka broker listening; bootstrap servers: ${broker.bootstrap}`);
  console.log(dataDir === null ? 'storage: in memory' : `storage: ${dataDir} (fsync ${values.fsync})`);
  const shutdown = (): void => {
    console.log('stopping broker');
    void broker.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

void main();
