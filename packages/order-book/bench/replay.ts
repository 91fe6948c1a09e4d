import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { BUY, SELL } from '../src/codes.js';
import { MAX_INT32 } from '../src/order-pool.js';
import { REPLAY_CONFIG, measureTape } from './runner.js';
import { CANCEL, NEW_LIMIT, NEW_MARKET, TapeWriter, type Tape } from './tape.js';

/**
 * Replays an order-flow file written by another tool, so engines can be compared on identical input:
 *
 *   node --expose-gc packages/order-book/dist/bench/replay.js FILE.csv
 *
 * Lines are `N,<id>,<B|S>,<L|M>,<price>,<qty>` (a new GTC limit or market order; a market order has no price)
 * or `C,<id>,,,,` (cancel; an unknown id is a no-op). Prints one JSON line of figures. Prices and quantities
 * must be below 2^31 (the core's limit); ids of any size are renumbered before the run when one is that large,
 * and fills are still reported in the file's ids.
 */
export function parseReplay(text: string): Tape {
  const writer = new TapeWriter();
  const lines = text.split('\n');
  const ids = new SourceIds(lines);
  for (let number = 1; number <= lines.length; number++) {
    const line = lines[number - 1]!.trim();
    if (line === '') continue;
    const fields = line.split(',');
    const fail = (why: string): never => {
      throw new Error(`line ${number}: ${why}: ${line}`);
    };
    if (fields.length !== 6) fail('expected 6 comma-separated fields');
    const sourceId = Number(fields[1]);
    if (!Number.isSafeInteger(sourceId) || sourceId < 0) fail('the id must be a non-negative integer');
    const id = ids.internal(sourceId);
    if (fields[0] === 'C') {
      writer.add(CANCEL, id, BUY, 0, 0);
      continue;
    }
    if (fields[0] !== 'N') fail('the first field must be N or C');
    const side = fields[2] === 'B' ? BUY : fields[2] === 'S' ? SELL : fail('the side must be B or S');
    const quantity = Number(fields[5]);
    if (!Number.isSafeInteger(quantity) || quantity <= 0) fail('the quantity must be a positive integer');
    if (quantity > MAX_INT32) fail(`the quantity must be at most ${MAX_INT32}`);
    if (fields[3] === 'M') {
      writer.add(NEW_MARKET, id, side, 0, quantity);
    } else if (fields[3] === 'L') {
      const price = Number(fields[4]);
      if (!Number.isSafeInteger(price) || price <= 0) fail('a limit price must be a positive integer');
      if (price > MAX_INT32) fail(`a limit price must be at most ${MAX_INT32}`);
      writer.add(NEW_LIMIT, id, side, price, quantity);
    } else {
      fail('the order type must be L or M');
    }
  }
  return writer.finish(ids.table());
}

/** The file's ids as the core's: unchanged when all fit, else numbered 0, 1, 2… in order of first use. */
class SourceIds {
  private readonly renumbered = new Map<number, number>();
  private readonly sources: number[] = [];
  private readonly renumber: boolean;

  constructor(lines: readonly string[]) {
    this.renumber = lines.some((line) => Number(line.split(',')[1]) > MAX_INT32);
  }

  internal(sourceId: number): number {
    if (!this.renumber) return sourceId;
    let id = this.renumbered.get(sourceId);
    if (id === undefined) {
      id = this.sources.push(sourceId) - 1;
      this.renumbered.set(sourceId, id);
    }
    return id;
  }

  table(): Float64Array | undefined {
    return this.renumber ? Float64Array.from(this.sources) : undefined;
  }
}

function main(): void {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: node --expose-gc dist/bench/replay.js FILE.csv');
    process.exit(2);
  }
  let tape: Tape;
  try {
    tape = parseReplay(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`replay: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  let newOrders = 0;
  for (let i = 0; i < tape.length; i++) if (tape.op[i] !== CANCEL) newOrders++;
  // Reserve the pools for the orders the file can place, as any engine sized for its load would.
  const config = { ...REPLAY_CONFIG, expectedOrders: Math.min(newOrders + 1, 1 << 22) };
  console.log(JSON.stringify(measureTape(tape, config)));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
