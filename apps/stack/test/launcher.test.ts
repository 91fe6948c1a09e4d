import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePortsFor, freshDataDir, launchStack, startLauncher } from '../bench/launch.js';
import { isAlive, listProcesses, readProc } from '../src/processes.js';

const launchModule = join(dirname(fileURLToPath(import.meta.url)), '../dist/bench/launch.js');

/** The processes whose parent is `pid`, from /proc. */
function childrenOf(pid: number): { pid: number; command: string }[] {
  return listProcesses()
    .filter(({ parent }) => parent === pid)
    .map((child) => ({ pid: child.pid, command: (readProc(child.pid, 'cmdline') ?? '').replaceAll('\0', ' ') }));
}

/** The session a process belongs to (/proc/<pid>/stat's sixth field), or null when it has gone. */
function sessionOf(pid: number): number | null {
  const stat = readProc(pid, 'stat');
  return stat === null ? null : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

async function createTrader(api: string): Promise<{ accountId: string; apiKey: string }> {
  const response = await fetch(`${api}/api/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Kept', email: `kept-${Date.now()}@example.test`, password: 'kept password 123' }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { accountId: string; apiKey: string };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return condition();
}

describe('a stack started by a test or benchmark', () => {
  it("shows its apps' log lines readably with LOG_FORMAT=pretty, and stops on Ctrl-C (SIGINT to its process group, PostgreSQL included; the apps, each in a session of its own, stopped by the launcher): every process and its data go", async () => {
    const stack = await launchStack({ LOG_FORMAT: 'pretty', LOG_LEVEL: 'info' });
    // The engine's pino lines as time, level and message, not JSON (the default when the output is not a terminal).
    const consuming = /^\[engine\] \[\d\d:\d\d:\d\d\.\d{3}\] INFO: matching engine consuming \{"brokers":/m;
    expect(await until(() => consuming.test(stack.output()), 30_000)).toBe(true);
    expect(stack.output()).not.toMatch(/^\[(engine|api)\] \{"level"/m);
    // The migrations a first start applies, in one line rather than Prisma's list of every one.
    expect(stack.output()).toMatch(/^\[migrate\] applied \d+ migrations \(the newest: \d+_\w+\)$/m);
    // Unless told otherwise, the embedded broker acknowledges only what is on the disk.
    expect(stack.output()).toMatch(/embedded Kafka-protocol broker on .*fsync always\)/);
    // Its other children are PostgreSQL and the PostgreSQL reaper.
    const apps = childrenOf(stack.pid).filter(({ command }) => !command.includes('postgres'));
    // The engine, the API and the web server, each scheduled apart from the others and from PostgreSQL's backends.
    const appName = (command: string) =>
      /apps\/api\//.test(command)
        ? 'api'
        : /matching-engine/.test(command)
          ? 'engine'
          : /apps\/web\/dist\/server\.js/.test(command)
            ? 'web'
            : command;
    expect(apps.map(({ command }) => appName(command)).sort()).toEqual(['api', 'engine', 'web']);
    for (const app of apps) expect(sessionOf(app.pid)).toBe(app.pid);
    expect(sessionOf(stack.pid)).toBe(stack.pid);
    let stopped = false;
    const stopping = stack.stop().then(() => (stopped = true));
    expect(await until(() => stopped, 60_000)).toBe(true);
    await stopping;
    expect(stack.output()).toMatch(/\[stack\] stopped/);
    // PostgreSQL, stopped by the same Ctrl-C, is not taken for a server that died: nothing says it starts again.
    expect(stack.output()).not.toMatch(/PostgreSQL \(pid \d+\) exited; starting it again/);
    for (const app of apps) expect(isAlive(app.pid)).toBe(false);
    expect(existsSync(stack.dataDir)).toBe(false);
  }, 120_000);

  it('starts PostgreSQL again when its postmaster dies (SIGKILL), on the same data: what was stored is there, and trading goes on', async () => {
    const stack = await launchStack();
    try {
      const trader = await createTrader(stack.api);
      const postmaster = childrenOf(stack.pid).find(({ command }) => command.includes('bin/postgres'))!;
      process.kill(postmaster.pid, 'SIGKILL');
      expect(await until(() => /PostgreSQL started again \(pid \d+\)/.test(stack.output()), 60_000)).toBe(true);
      expect(stack.output()).toContain(`PostgreSQL (pid ${postmaster.pid}) exited`);
      // The apps reconnect by themselves (answering 503 until they have): the account made before the crash places
      // an order, which the engine's acceptance, stored by ingestion, makes open.
      const asTrader = { authorization: `Bearer ${trader.apiKey}`, 'content-type': 'application/json' };
      const order = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '30.00', quantity: '1' };
      let orderId: string | undefined;
      let status: string | undefined;
      for (const deadline = Date.now() + 60_000; status !== 'open' && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        if (orderId === undefined) {
          const placed = await fetch(`${stack.api}/api/orders`, {
            method: 'POST',
            headers: { ...asTrader, 'idempotency-key': 'after-the-crash' },
            body: JSON.stringify(order),
          });
          if (placed.status === 202) orderId = ((await placed.json()) as { orderId: string }).orderId;
          else expect(placed.status).toBe(503);
          continue;
        }
        const read = await fetch(`${stack.api}/api/orders/${orderId}`, { headers: asTrader });
        if (read.ok) status = ((await read.json()) as { status: string }).status;
      }
      expect(status).toBe('open');
    } finally {
      await stack.stop();
    }
    expect(stack.output()).toMatch(/\[stack\] stopped/);
  }, 180_000);

  it('stopped by Ctrl-C while it starts, stops cleanly and says so, rather than that it could not start', async () => {
    // With the market simulator, whose bots the launcher signs up through the API once every app answers.
    const starting = await startLauncher({ SIMULATOR: 'on' });
    const exited = new Promise<number | null>((resolve) => starting.child.once('exit', resolve));
    const web = `http://localhost:${starting.ports.WEB_PORT}/health`;
    let webAnswers = false;
    while (!webAnswers && starting.child.exitCode === null) {
      webAnswers = await fetch(web).then(
        (response) => response.ok,
        () => false,
      );
      if (!webAnswers) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Past the launcher's own look at the web app (every 200 ms): signing the bots up.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(starting.output()).not.toMatch(/\[stack\] ready/);
    process.kill(-starting.child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(starting.output()).toMatch(/\[stack\] stopping[\s\S]*\[stack\] stopped/);
    expect(starting.output()).not.toMatch(/could not start/);
    expect(existsSync(starting.dataDir)).toBe(false);
  }, 120_000);

  it('refuses to start, naming the setting, when a port it needs is taken, and starts nothing', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const refusal = await launchStack({ API_PORT: String(port) }).then(
        () => null,
        (error: unknown) => String(error),
      );
      expect(refusal).toMatch(
        new RegExp(`could not start: already in use: ${port} \\(API_PORT\\)\\. Is another stack`),
      );
      expect(refusal).not.toMatch(/embedded Kafka-protocol broker on/);
    } finally {
      taken.close();
    }
  }, 60_000);

  it('stops by itself and removes its data directory when the process that started it is killed', async () => {
    // A stand-in for a benchmark: starts the stack, prints the engine's pid, then waits to be killed. The apps log
    // at info, so they print while they stop: the launcher's output then goes to a pipe nobody reads any more.
    const owner = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { launchStack } = await import(${JSON.stringify(launchModule)});
         const stack = await launchStack({ LOG_LEVEL: 'info' });
         console.log('engine-pid=' + stack.enginePid + ' data=' + stack.dataDir);
         setInterval(() => undefined, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [enginePid, dataDir] = await new Promise<[number, string]>((resolve, reject) => {
      let output = '';
      owner.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /engine-pid=(\d+) data=(\S+)/.exec(output);
        if (match) resolve([Number(match[1]), match[2]!]);
      });
      owner.once('exit', () => reject(new Error(`the owner exited early: ${output}`)));
    });
    expect(isAlive(enginePid)).toBe(true);
    expect(existsSync(join(dataDir, 'postgres'))).toBe(true);
    owner.kill('SIGKILL');
    // Generous bounds: the launcher stops four processes one by one (each may take up to 10 s before it is killed),
    // then PostgreSQL, and under CI's load of parallel suites that took more than 30 s.
    expect(await until(() => !isAlive(enginePid), 60_000)).toBe(true);
    expect(await until(() => !existsSync(dataDir), 90_000)).toBe(true);
  }, 200_000);

  it('when the launcher itself is killed outright, what it started stops by itself, and a start at once on the same ports finds the data', async () => {
    const dataDir = freshDataDir();
    const ports = await freePortsFor(['API_PORT', 'KAFKA_PORT', 'ENGINE_METRICS_PORT', 'WEB_PORT', 'POSTGRES_PORT']);
    const kept = { ...ports, DATA_DIR: dataDir, DATA_DIR_DISPOSABLE: 'off' };
    try {
      const first = await launchStack(kept);
      const trader = await createTrader(first.api);
      const children = childrenOf(first.pid);
      try {
        const commands = children.map((child) => child.command).join('\n');
        for (const app of [
          'matching-engine/dist/src/main.js',
          'api/dist/src/main.js',
          'web/dist/server.js',
          'bin/postgres',
        ])
          expect(commands).toContain(app);
        process.kill(first.pid, 'SIGKILL');
        // Started again straight away: it waits for what the first left running to let go of the ports and data.
        const second = await launchStack(kept);
        try {
          expect(second.output()).toMatch(/waiting for \d+ processes a stopped launcher left running to stop/);
          expect(children.filter((child) => isAlive(child.pid))).toEqual([]);
          const me = await fetch(`${second.api}/api/accounts/me`, {
            headers: { authorization: `Bearer ${trader.apiKey}` },
          });
          expect(me.status).toBe(200);
          expect(((await me.json()) as { accountId: string }).accountId).toBe(trader.accountId);
        } finally {
          await second.stop();
        }
      } finally {
        if (isAlive(first.pid)) await first.stop();
        // Should this fail, what was left running goes with the test.
        for (const child of children) if (isAlive(child.pid)) process.kill(child.pid, 'SIGKILL');
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
