import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ephemeralPortsFrom, freePort, probePort } from '../src/ports.js';

describe('free ports', () => {
  it("are chosen below the kernel's range for outgoing connections, and a server can listen on them", async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(Math.min(ephemeralPortsFrom(), 32_768));
      expect(await probePort(port)).toBeNull();
    }
  });

  it('never picks a port it is told to avoid: one picked already for a server not started yet', async () => {
    const below = Math.min(ephemeralPortsFrom(), 32_768);
    // Every port it would draw from: it must go to one the OS picks instead.
    const avoid = Array.from({ length: below - 10_000 }, (_, i) => 10_000 + i);
    const port = await freePort(avoid);
    expect(avoid.includes(port)).toBe(false);
    expect(await probePort(port)).toBeNull();
  });

  it('says a port a server holds is in use', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    expect((await probePort(port))?.code).toBe('EADDRINUSE');
  });

  it("reads the range's first port, or takes Linux's default when it cannot", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bolsa-ports-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'range'), '40000\t60999\n');
    expect(ephemeralPortsFrom(join(dir, 'range'))).toBe(40_000);
    writeFileSync(join(dir, 'garbled'), 'nonsense');
    expect(ephemeralPortsFrom(join(dir, 'garbled'))).toBe(32_768);
    expect(ephemeralPortsFrom(join(dir, 'missing'))).toBe(32_768);
  });
});
