import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Below this, ports are left to services people configure by hand (3000, 5432, 8080…). */
const LOWEST_CHOSEN = 10_000;
/** Where the kernel's ports for outgoing connections start when it does not say (Linux's default). */
const EPHEMERAL_LOW_DEFAULT = 32_768;

/**
 * Listens on 127.0.0.1:`port` and lets go at once: null when it could, else why not (`EADDRINUSE`: something holds
 * the port, a listener or a connection's local end).
 */
export function probePort(port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', resolve);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(null)));
  });
}

/** The first port of the range the kernel hands out to outgoing connections (and to `listen(0)`). */
export function ephemeralPortsFrom(rangeFile = '/proc/sys/net/ipv4/ip_local_port_range'): number {
  try {
    const low = Number(readFileSync(rangeFile, 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : EPHEMERAL_LOW_DEFAULT;
  } catch {
    return EPHEMERAL_LOW_DEFAULT;
  }
}

/**
 * A free port on loopback, for a server to be started on it a moment later. Chosen below the kernel's ephemeral
 * range: a port the OS picked with `listen(0)` is one the kernel may give the next outgoing connection (to
 * PostgreSQL, to Kafka) before the server binds it, which then fails with EADDRINUSE. Several suites at once each
 * draw at random and check that the port is free. None of `avoid`: ports picked already for servers not started yet,
 * which are free too until they are.
 */
export async function freePort(avoid: Iterable<number> = []): Promise<number> {
  const taken = new Set(avoid);
  const below = Math.min(ephemeralPortsFrom(), EPHEMERAL_LOW_DEFAULT);
  for (let attempt = 0; below - LOWEST_CHOSEN >= 1_000 && attempt < 100; attempt++) {
    const port = LOWEST_CHOSEN + Math.floor(Math.random() * (below - LOWEST_CHOSEN));
    if (!taken.has(port) && (await probePort(port)) === null) return port;
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await portThatOsPicks();
    if (!taken.has(port)) return port;
  }
  throw new Error('no free port found outside those to avoid');
}

/** A port the OS picked as free (in its ephemeral range), for when none below it could be found. */
function portThatOsPicks(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
