import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { EngineMetrics, serveMetrics } from '../src/metrics.js';

describe('configuration', () => {
  it('has working defaults and reads the environment', () => {
    const defaults = loadConfig({});
    expect(defaults.brokers).toEqual(['127.0.0.1:9092']);
    expect(defaults.instruments.map((i) => i.symbol)).toContain('PETR4');
    const custom = loadConfig({ KAFKA_BROKERS: 'a:1, b:2', SNAPSHOT_EVERY_COMMANDS: '7', METRICS_PORT: '0' });
    expect(custom.brokers).toEqual(['a:1', 'b:2']);
    expect(custom.snapshotEveryCommands).toBe(7);
    expect(defaults.placementMemoryMs).toBe(120_000);
    expect(loadConfig({ PLACEMENT_MEMORY_MS: '5000' }).placementMemoryMs).toBe(5000);
    expect(defaults.placementMaxDelayMs).toBe(30_000);
    expect(loadConfig({ PLACEMENT_MAX_DELAY_MS: '2000' }).placementMaxDelayMs).toBe(2000);
  });

  it('names what is wrong', () => {
    expect(() => loadConfig({ SNAPSHOT_EVERY_COMMANDS: 'many' })).toThrow(/SNAPSHOT_EVERY_COMMANDS/);
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ PLACEMENT_MEMORY_MS: '0' })).toThrow(/PLACEMENT_MEMORY_MS/);
    const file = join(tmpdir(), `instruments-${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify([{ symbol: 'bad', name: '', currency: 'USD', tickSize: 0, lotSize: 1, priceBand: null }]),
    );
    expect(() => loadConfig({ INSTRUMENTS_FILE: file })).toThrow();
  });
});

describe('metrics and health', () => {
  it('serves Prometheus text and a health answer that follows the engine', async () => {
    const metrics = new EngineMetrics();
    metrics.commands.inc({ outcome: 'applied' }, 3);
    metrics.watchTradingStatus(() => [
      { symbol: 'PETR4', halted: false, inAuction: true },
      { symbol: 'VALE3', halted: true, inAuction: false },
    ]);
    let healthy = false;
    const server = await serveMetrics(metrics, () => healthy, 0, '127.0.0.1');
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    try {
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toMatch(/engine_commands_total\{outcome="applied"\} 3/);
      expect(text).toMatch(/engine_process_cpu_user_seconds_total/);
      expect(text).toMatch(/^engine_book_auction\{symbol="PETR4"\} 1$/m);
      expect(text).toMatch(/^engine_book_auction\{symbol="VALE3"\} 0$/m);
      expect(text).toMatch(/^engine_book_halted\{symbol="VALE3"\} 1$/m);
      expect((await fetch(`${base}/health`)).status).toBe(503);
      healthy = true;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
