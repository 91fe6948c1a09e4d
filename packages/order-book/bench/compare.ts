import { cpus } from 'node:os';
import { limitOrderBook, nodejsOrderBook, type OtherEngineRun } from './other-engines.js';
import { measureTape, REPLAY_CONFIG } from './runner.js';
import { prefix, type Tape } from './tape.js';
import { DEEP, generateTape, STEADY } from './workload.js';

/**
 * `pnpm --filter @bolsa/order-book bench:compare`: the steady and deep mixes played through this book and through the
 * open-source JavaScript limit order books on npm that take the same orders (limit and market, cancels by id):
 * nodejs-order-book and limit-order-book. For each, commands a second and its fills as the replay reports them (count,
 * quantity and the SHA-256 of "taker,maker,price,qty" lines in execution order), which must be this book's: the same
 * trades, fill by fill. Their clocks include recording their fills, as this book's does (`FillRecorder`).
 */
const COMMANDS = Number(process.env['BENCH_COMMANDS'] ?? 1_000_000);
/** The other engines are slow: one warm-up on the tape's opening stretch, then one timed run of the whole tape. */
const WARM_UP_COMMANDS = Math.min(COMMANDS, 100_000);

interface Result {
  readonly engine: string;
  readonly commandsPerSecond: number;
  readonly fills: number;
  readonly filledQuantity: number;
  readonly tradesSha256: string;
}

function measureOther(engine: string, play: (tape: Tape) => OtherEngineRun, tape: Tape): Result {
  play(prefix(tape, WARM_UP_COMMANDS));
  const { seconds, fills } = play(tape);
  return {
    engine,
    commandsPerSecond: Math.round(tape.length / seconds),
    fills: fills.count,
    filledQuantity: fills.filledQuantity,
    tradesSha256: fills.sha256(),
  };
}

console.log(`order-book comparison: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
const results: Record<string, Result[]> = {};
for (const mix of [STEADY, DEEP]) {
  const tape = generateTape(mix, COMMANDS);
  const ours = measureTape(tape, { ...REPLAY_CONFIG, expectedOrders: 1 << 20 });
  const row: Result[] = [
    {
      engine: '@bolsa/order-book',
      commandsPerSecond: ours.opsPerSec,
      fills: ours.fills,
      filledQuantity: ours.filledQty,
      tradesSha256: ours.tradesSha256,
    },
    measureOther('nodejs-order-book', nodejsOrderBook, tape),
    measureOther('limit-order-book', limitOrderBook, tape),
  ];
  results[mix.name] = row;
  for (const result of row) {
    const same = result.tradesSha256 === ours.tradesSha256 ? 'the same trades' : 'DIFFERENT trades';
    const times = ours.opsPerSec / result.commandsPerSecond;
    console.log(
      `${mix.name.padEnd(6)} ${result.engine.padEnd(18)} ${(result.commandsPerSecond / 1e6).toFixed(3)} M commands/s` +
        `${result === row[0] ? '' : ` (${times.toFixed(0)} times slower)`}; ${result.fills} fills of ` +
        `${result.filledQuantity} shares, ${same} (${result.tradesSha256.slice(0, 16)}…)`,
    );
  }
}
console.log(JSON.stringify(results));
