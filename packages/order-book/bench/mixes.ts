import { cpus } from 'node:os';
import { REPLAY_CONFIG, measureTape, playTape } from './runner.js';
import type { BookConfig } from '../src/order-book.js';
import { DEEP, generateTape, STEADY } from './workload.js';

/**
 * `pnpm --filter @bolsa/order-book bench`: the steady and deep mixes, 1,000,000 commands each, with
 * throughput, per-command latency and heap per resting order.
 */
const COMMANDS = Number(process.env['BENCH_COMMANDS'] ?? 1_000_000);

/** What the deep book holds per resting order, grown from empty as a running engine's book would be. */
function bytesPerRestingOrder(): { resting: number; bytesPerOrder: number } {
  const run = playTape(generateTape(DEEP, COMMANDS, 7), REPLAY_CONFIG);
  return { resting: run.book.liveOrders, bytesPerOrder: Math.round(run.book.footprintBytes / run.book.liveOrders) };
}

console.log(`order-book bench: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
/**
 * "reserved": the book is told to expect a million orders, as the engine configures it, so no pool grows while
 * the clock runs. "cold": every pool starts at its minimum and grows during the run.
 */
const SETUPS: [string, BookConfig][] = [
  ['reserved', { ...REPLAY_CONFIG, expectedOrders: 1 << 20 }],
  ['cold', REPLAY_CONFIG],
];
// Memory first, while nothing else has been allocated or freed.
const memory = bytesPerRestingOrder();
console.log(`memory: ${memory.bytesPerOrder} bytes per resting order (${memory.resting} resting, deep mix)`);
const results: Record<string, unknown> = {};
for (const [setup, config] of SETUPS)
  for (const mix of [STEADY, DEEP]) {
    const figures = measureTape(generateTape(mix, COMMANDS), config);
    results[`${mix.name}-${setup}`] = figures;
    console.log(
      `${mix.name.padEnd(6)} ${setup.padEnd(8)} ${figures.commands} commands: ${(figures.opsPerSec / 1e6).toFixed(2)} M commands/s, ` +
        `p50 ${figures.p50Ns} ns, p99 ${figures.p99Ns} ns, p99.9 ${figures.p999Ns} ns; ` +
        `${figures.fills} fills, ${figures.resting} resting at the end`,
    );
  }
console.log(JSON.stringify({ ...results, memory }));
