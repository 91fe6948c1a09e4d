import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@bolsa/embedded-db';

/** The built launcher, found from the package root whether this runs from source (tests) or from dist (bench). */
function launcherPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, 'dist/src/main.js');
}

export interface LaunchedStack {
  readonly api: string;
  readonly web: string;
  readonly kafkaPort: number;
  /** The matching engine's /metrics and /health. */
  readonly engineMetricsPort: number;
  readonly databaseUrl: string;
  readonly enginePid: number;
  /** Removed by the launcher when it stops. */
  readonly dataDir: string;
  /** The launcher's own pid: every process of the stack runs under it. */
  readonly pid: number;
  /** Everything the launcher printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** A new data directory, which PostgreSQL (as root, run as the 'postgres' user) can enter. */
export function freshDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'bolsa-stack-'));
  chmodSync(dataDir, 0o755);
  return dataDir;
}

/**
 * A free loopback port for each setting named, each a different one, as the environment gives it:
 * `{ API_PORT: '41234', … }`.
 */
export async function freePortsFor(names: readonly string[]): Promise<Record<string, string>> {
  const ports: Record<string, string> = {};
  const picked: number[] = [];
  for (const name of names) {
    const port = await freePort(picked);
    picked.push(port);
    ports[name] = String(port);
  }
  return ports;
}

/** The launcher running, not yet known to be ready: its process (a group of its own) and what it printed so far. */
export interface StartingStack {
  readonly child: ChildProcess;
  readonly ports: Record<string, string>;
  readonly dataDir: string;
  output(): string;
}

/**
 * `pnpm start`'s launcher on free ports and a fresh data directory, as a developer would run it, without waiting for
 * it: see `launchStack`.
 */
export async function startLauncher(environment: Record<string, string> = {}): Promise<StartingStack> {
  const ports = await freePortsFor(['API_PORT', 'KAFKA_PORT', 'ENGINE_METRICS_PORT', 'WEB_PORT']);
  const dataDir = environment.DATA_DIR ?? freshDataDir();
  const child: ChildProcess = spawn(process.execPath, [launcherPath()], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      ...ports,
      POSTGRES_PORT: '0',
      SIMULATOR: 'off',
      // The trading day closes when an admin says: a run that spans 18:00 in São Paulo must not see its DAY orders
      // expire under it.
      MARKET_CLOSE: 'off',
      LOG_LEVEL: 'warn',
      // Programs here (the bench's load, the tests' order bursts) send faster than ORDER_ENTRY_PER_SECOND lets one
      // account; the limit has its own test in the API.
      ORDER_ENTRY_PER_SECOND: '0',
      STOP_WITH_PID: String(process.pid),
      // Its own to remove when it stops, whether this process stops it or dies first.
      DATA_DIR_DISPOSABLE: 'on',
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, so stopping it is what Ctrl-C in a terminal does: SIGINT to every process.
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, ports, dataDir, output: () => output };
}

/**
 * `pnpm start`'s launcher on free ports and a fresh data directory, as a developer would run it (the tests and
 * `pnpm bench:e2e` both start the platform this way), once it says it is ready. The data directory goes when it
 * stops, unless given in `DATA_DIR` with `DATA_DIR_DISPOSABLE=off`.
 */
export async function launchStack(environment: Record<string, string> = {}): Promise<LaunchedStack> {
  const { child, ports, dataDir, output } = await startLauncher(environment);
  return new Promise<LaunchedStack>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const ready = /ready api=(\S+) web=(\S+) engine-pid=(\d+)/.exec(output());
      const db = /PostgreSQL\s+(postgresql:\/\/\S+)/.exec(output());
      if (ready && db) {
        resolve({
          api: ready[1]!,
          web: ready[2]!,
          kafkaPort: Number(ports.KAFKA_PORT),
          engineMetricsPort: Number(ports.ENGINE_METRICS_PORT),
          databaseUrl: db[1]!,
          enginePid: Number(ready[3]),
          pid: child.pid!,
          output,
          dataDir,
          stop: async () => {
            const exited = new Promise((done) => child.once('exit', done));
            process.kill(-child.pid!, 'SIGINT');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => {
      if (environment.DATA_DIR_DISPOSABLE !== 'off') rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`the stack exited with ${code}:\n${output()}`));
    });
  });
}
