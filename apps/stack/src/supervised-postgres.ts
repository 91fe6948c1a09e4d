import { startPostgres, type PostgresOptions, type RunningPostgres } from '@bolsa/embedded-db';

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 10_000;

/**
 * The embedded PostgreSQL, started again on the same data and port should it die while the stack runs (killed, out
 * of memory), as the apps are: it recovers from its write-ahead log, and the apps, which answer 503 meanwhile,
 * reconnect by themselves. Before, a dead server stayed dead and every request got 503 until the stack was restarted.
 */
export class SupervisedPostgres {
  private stopping = false;
  private restarting: Promise<void> | null = null;

  private constructor(
    private current: RunningPostgres,
    private readonly options: PostgresOptions & { dataDir: string; port: number },
    private readonly log: (line: string) => void,
    /** Called with each server started, the first included (the launcher gives each its reaper). */
    private readonly onStarted: (server: RunningPostgres) => void,
  ) {
    this.watch();
  }

  static async start(
    options: PostgresOptions & { dataDir: string; port: number },
    log: (line: string) => void,
    onStarted: (server: RunningPostgres) => void,
  ): Promise<SupervisedPostgres> {
    const server = await startPostgres(options);
    onStarted(server);
    // Later starts must find the same port: the apps were given this server's address.
    return new SupervisedPostgres(server, { ...options, port: server.port }, log, onStarted);
  }

  get url(): string {
    return this.current.url;
  }

  get port(): number {
    return this.current.port;
  }

  /**
   * No more restarts: the stack is going down. Called as it starts to, since a terminal's Ctrl-C reaches the server
   * too (it shares the launcher's process group) and may stop it before the launcher gets to it.
   */
  halt(): void {
    this.stopping = true;
  }

  /** No more restarts; stops the server (once a restart under way has finished, if one is). */
  async stop(): Promise<void> {
    this.halt();
    await this.restarting;
    await this.current.stop();
  }

  private watch(): void {
    const watched = this.current;
    void watched.exited.then(() => {
      if (this.stopping || watched !== this.current) return;
      this.log(`PostgreSQL (pid ${watched.pid}) exited; starting it again in 1 s`);
      this.restarting = this.startAgain().finally(() => (this.restarting = null));
    });
  }

  /**
   * Tries until it starts or the stack stops: a killed postmaster's backends take a moment to notice and exit, and
   * until they have, the new server refuses to use the data directory they still hold.
   */
  private async startAgain(): Promise<void> {
    for (let delay = FIRST_RETRY_MS; !this.stopping; delay = Math.min(delay * 2, LAST_RETRY_MS)) {
      await new Promise((done) => setTimeout(done, delay));
      if (this.stopping) return;
      try {
        this.current = await startPostgres(this.options);
      } catch (error) {
        this.log(`PostgreSQL did not start again (${String(error).split('\n')[0]}); trying again`);
        continue;
      }
      this.onStarted(this.current);
      this.log(`PostgreSQL started again (pid ${this.current.pid}), recovered from its write-ahead log`);
      this.watch();
      return;
    }
  }
}
