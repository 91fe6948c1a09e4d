import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launchStack } from '../bench/launch.js';

const launchModule = join(dirname(fileURLToPath(import.meta.url)), '../dist/bench/launch.js');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
  it('stops on Ctrl-C (SIGINT to its whole process group, PostgreSQL included): every process and its data go', async () => {
    const stack = await launchStack();
    let stopped = false;
    const stopping = stack.stop().then(() => (stopped = true));
    expect(await until(() => stopped, 60_000)).toBe(true);
    await stopping;
    expect(stack.output()).toMatch(/\[stack\] stopped/);
    expect(isAlive(stack.enginePid)).toBe(false);
    expect(existsSync(stack.dataDir)).toBe(false);
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
});
