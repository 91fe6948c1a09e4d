import { cpus } from 'node:os';
import type { BookConfig } from '../src/order-rules.js';
import { REPLAY_CONFIG, commandsToReach, measureTapes, median, playTape, type TapeMeasurement } from './runner.js';
import { prefix } from './tape.js';
import { DEEP, generateTape, STEADY } from './workload.js';

/**
 * `pnpm --filter @bolsa/order-book bench`: the steady and deep mixes, 1,000,000 commands each, with
 * throughput, per-command latency and heap per resting order; then how much of the gap between the two mixes
 * comes from what the deep mix's commands do and how much from the depth of its book.
 */
const COMMANDS = Number(process.env['BENCH_COMMANDS'] ?? 1_000_000);

/** What the deep book holds per resting order, grown from empty as a running engine's book would be. */
function bytesPerRestingOrder(): { resting: number; bytesPerOrder: number } {
  const run = playTape(generateTape(DEEP, COMMANDS, 7), REPLAY_CONFIG);
  return { resting: run.book.liveOrders, bytesPerOrder: Math.round(run.book.footprintBytes / run.book.liveOrders) };
}

/** Median over rounds of one tape's throughput over another's, both played in the same round. */
const ratio = (a: TapeMeasurement, b: TapeMeasurement): number =>
  median(a.runsPerSec.map((perSec, round) => perSec / b.runsPerSec[round]!));

const line = (name: string, setup: string, { figures }: TapeMeasurement): string =>
  `${name.padEnd(6)} ${setup.padEnd(8)} ${figures.commands} commands: ${(figures.opsPerSec / 1e6).toFixed(2)} M commands/s, ` +
  `p50 ${figures.p50Ns} ns, p99 ${figures.p99Ns} ns, p99.9 ${figures.p999Ns} ns; ` +
  `${figures.fills} fills, ${figures.resting} resting at the end`;

console.log(`order-book bench: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
/**
 * "reserved": the book is told to expect a million orders, as the engine configures it, so no pool grows while
 * the clock runs. "cold": every pool starts at its minimum and grows during the run.
 */
const RESERVED: BookConfig = { ...REPLAY_CONFIG, expectedOrders: 1 << 20 };
const SETUPS: [string, BookConfig][] = [
  ['reserved', RESERVED],
  ['cold', REPLAY_CONFIG],
];
// Memory first, while nothing else has been allocated or freed.
const memory = bytesPerRestingOrder();
console.log(`memory: ${memory.bytesPerOrder} bytes per resting order (${memory.resting} resting, deep mix)`);
const steadyTape = generateTape(STEADY, COMMANDS);
const deepTape = generateTape(DEEP, COMMANDS);
const results: Record<string, unknown> = {};
for (const [setup, config] of SETUPS) {
  // The two mixes take turns, so a slow spell of the machine falls on both.
  const [steady, deep] = measureTapes([steadyTape, deepTape], config);
  results[`steady-${setup}`] = steady!.figures;
  results[`deep-${setup}`] = deep!.figures;
  console.log(line('steady', setup, steady!));
  console.log(line('deep', setup, deep!));
  console.log(`deep/steady ${setup}: ${(ratio(deep!, steady!) * 100).toFixed(0)}% (median of the rounds' ratios)`);
}

/**
 * The deep mix's commands do more than the steady mix's (more market and crossing orders, so more fills per
 * command, and fewer cancels), and its book is seven times deeper. Its opening stretch, up to the point where it
 * rests as many orders as the steady book ends with, shows the first without the second.
 */
const steadyDepth = (results['steady-reserved'] as { resting: number }).resting;
const shallowDeepTape = prefix(deepTape, commandsToReach(deepTape, RESERVED, steadyDepth));
const [steady, shallow, deep] = measureTapes([steadyTape, shallowDeepTape, deepTape], RESERVED);
const atSteadyDepth = ratio(shallow!, steady!);
const atFullDepth = ratio(deep!, steady!);
results['deep-at-steady-depth'] = { ...shallow!.figures, ofSteady: atSteadyDepth, fullDepthOfSteady: atFullDepth };
console.log(
  `the deep mix's first ${shallow!.figures.commands} commands (${shallow!.figures.resting} resting at the end, as the ` +
    `steady book's ${steadyDepth}): ${(shallow!.figures.opsPerSec / 1e6).toFixed(2)} M commands/s, ` +
    `${(atSteadyDepth * 100).toFixed(0)}% of steady; all ${deep!.figures.commands} (${deep!.figures.resting} resting): ` +
    `${(atFullDepth * 100).toFixed(0)}% of steady. The deep mix's commands alone cost ` +
    `${((1 / atSteadyDepth - 1) * 100).toFixed(0)}% more than steady's; its depth another ` +
    `${((atSteadyDepth / atFullDepth - 1) * 100).toFixed(0)}%.`,
);
console.log(JSON.stringify({ ...results, memory }));
