import { cpus } from 'node:os';

/**
 * `pnpm --filter @bolsa/order-book bench:memory`: what one cache miss costs on this machine, by working-set size.
 * Each step loads the next index from the line the last load named (a random cycle through every 64-byte line),
 * so loads cannot overlap: the figure is the latency a cancel in a deep book pays per random record or index line.
 */
const SIZES_MB = [1, 2, 4, 6, 8, 9, 10, 12, 16, 32, 64];
const STEPS = 5_000_000;
const INTS_PER_LINE = 16;

/** xorshift32, so every run walks the same cycle. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

function nanosecondsPerLoad(megabytes: number): number {
  const lines = (megabytes * 1024 * 1024) / 64;
  const order = new Int32Array(lines);
  for (let i = 0; i < lines; i++) order[i] = i;
  const random = generator(42);
  for (let i = lines - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  const memory = new Int32Array(lines * INTS_PER_LINE);
  for (let i = 0; i < lines; i++) memory[order[i]! * INTS_PER_LINE] = order[(i + 1) % lines]! * INTS_PER_LINE;
  let at = 0;
  for (let i = 0; i < lines; i++) at = memory[at]!;
  const started = process.hrtime.bigint();
  for (let i = 0; i < STEPS; i++) at = memory[at]!;
  const elapsed = Number(process.hrtime.bigint() - started);
  if (at < 0) throw new Error('unreachable: keeps the walk from being optimized away');
  return elapsed / STEPS;
}

console.log(`memory latency: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
const figures: Record<string, number> = {};
for (const megabytes of SIZES_MB) {
  const ns = nanosecondsPerLoad(megabytes);
  figures[`${megabytes}MB`] = Math.round(ns * 10) / 10;
  console.log(`${String(megabytes).padStart(3)} MB: ${ns.toFixed(1)} ns per dependent random load`);
}
console.log(JSON.stringify(figures));
