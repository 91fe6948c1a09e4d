import { probePort } from '@bolsa/embedded-db';
import type { StackConfig } from './config.js';

/** Whether a program already listens on 127.0.0.1:`port`, where the stack's services listen. */
async function inUse(port: number): Promise<boolean> {
  return (await probePort(port))?.code === 'EADDRINUSE';
}

/**
 * The ports the stack would listen on that another program holds, each with the setting that names it ("3001
 * (API_PORT)"). Checked before anything starts: a second stack would otherwise stop at the first port it meets
 * busy, or, with an external Kafka and PostgreSQL, could wait on the first stack's /health and call itself ready.
 */
export async function portsInUse(config: StackConfig): Promise<string[]> {
  const ports = namedPorts(config);
  if (config.DATABASE_URL === undefined) ports.push(['POSTGRES_PORT', config.POSTGRES_PORT]);
  const busy: string[] = [];
  for (const [name, port] of ports) if (port !== 0 && (await inUse(port))) busy.push(`${port} (${name})`);
  return busy;
}

/** The ports the stack's own servers listen on, other than PostgreSQL's (0: one picked when it starts). */
export function stackPorts(config: StackConfig): number[] {
  return namedPorts(config)
    .map(([, port]) => port)
    .filter((port) => port !== 0);
}

function namedPorts(config: StackConfig): [string, number][] {
  const ports: [string, number][] = [
    ['WEB_PORT', config.WEB_PORT],
    ['API_PORT', config.API_PORT],
    ['ENGINE_METRICS_PORT', config.ENGINE_METRICS_PORT],
  ];
  if (config.INGEST_PORT !== undefined) ports.push(['INGEST_PORT', config.INGEST_PORT]);
  if (config.KAFKA_BROKERS === undefined) ports.push(['KAFKA_PORT', config.KAFKA_PORT]);
  return ports;
}
