import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { client, temporaryDir } from './helpers.js';

const cli = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));

describe('the command line', () => {
  it('prints the bootstrap address, serves clients, keeps data, and stops cleanly on Ctrl-C', async () => {
    const dataDir = temporaryDir('cli');
    const child = spawn(process.execPath, [cli, '--port', '0', '--data-dir', dataDir, '--partitions', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const bootstrap = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /bootstrap servers: (127\.0\.0\.1:\d+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${output}`)));
    });
    const producer = client(bootstrap).producer();
    await producer.connect();
    const [written] = await producer.send({ topic: 'from-cli', messages: [{ value: 'hello' }] });
    await producer.disconnect();
    expect(written!.errorCode).toBe(0);
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(existsSync(join(dataDir, 'topics', `from-cli-${written!.partition}`))).toBe(true);
  });

  it('refuses bad options with usage and exit code 2', async () => {
    const child = spawn(process.execPath, [cli, '--port', 'ninety'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(errors).toMatch(/--port must be 0-65535[\s\S]*usage:/);
  });
});
