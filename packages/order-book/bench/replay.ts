import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { BUY, SELL } from '../src/codes.js';
import { REPLAY_CONFIG, measureTape } from './runner.js';
import { CANCEL, NEW_LIMIT, NEW_MARKET, TapeWriter, type Tape } from './tape.js';

/**
 * Replays an order-flow file written by another tool, so engines can be compared on identical input:
 *
 *   node --expose-gc packages/order-book/dist/bench/replay.js FILE.csv
 *
 * Lines are `N,<id>,<B|S>,<L|M>,<price>,<qty>` (a new GTC limit or market order; a market order has no price)
 * or `C,<id>,,,,` (cancel; an unknown id is a no-op). Prints one JSON line of figures.
 */
export function parseReplay(text: string): Tape {
  const writer = new TapeWriter();
  const lines = text.split('\n');
  for (let number = 1; number <= lines.length; number++) {
    const line = lines[number - 1]!.trim();
    if (line === '') continue;
    const fields = line.split(',');
    const fail = (why: string): never => {
      throw new Error(`line ${number}: ${why}: ${line}`);
    };
    if (fields.length !== 6) fail('expected 6 comma-separated fields');
    const id = Number(fields[1]);
    if (!Number.isSafeInteger(id) || id < 0) fail('the id must be a non-negative integer');
    if (fields[0] === 'C') {
      writer.add(CANCEL, id, BUY, 0, 0);
      continue;
    }
    if (fields[0] !== 'N') fail('the first field must be N or C');
    const side = fields[2] === 'B' ? BUY : fields[2] === 'S' ? SELL : fail('the side must be B or S');
    const quantity = Number(fields[5]);
    if (!Number.isSafeInteger(quantity) || quantity <= 0) fail('the quantity must be a positive integer');
    if (fields[3] === 'M') {
      writer.add(NEW_MARKET, id, side, 0, quantity);
    } else if (fields[3] === 'L') {
      const price = Number(fields[4]);
      if (!Number.isSafeInteger(price) || price <= 0) fail('a limit price must be a positive integer');
      writer.add(NEW_LIMIT, id, side, price, quantity);
    } else {
      fail('the order type must be L or M');
    }
  }
  return writer.finish();
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
