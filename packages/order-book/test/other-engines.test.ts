import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limitOrderBook, nodejsOrderBook } from '../bench/other-engines.js';
import { playTape, REPLAY_CONFIG } from '../bench/runner.js';
import { CANCEL, NEW_LIMIT, NEW_MARKET, sideCode, TapeWriter, type Tape } from '../bench/tape.js';
import { DEEP, generateTape, STEADY } from '../bench/workload.js';

/**
 * A differential check of the matching core: two open-source JavaScript order books from npm, written apart from this
 * one (nodejs-order-book and limit-order-book), fill the benchmark's order flow with the very same trades, fill by
 * fill: the same makers, in the same order, at the same prices and quantities.
 */
/** The trades a tape makes in this book, as the replay reports them. */
function oursOn(tape: Tape) {
  const fills = playTape(tape, REPLAY_CONFIG).fills;
  return { fills: fills.fills, quantity: fills.filledQuantity, sha256: fills.tradesSha256() };
}

/** Short, dense flows: a few prices, so orders cross, sweep levels and fill in part; cancels of any id so far. */
const command = fc.oneof(
  fc.record({
    op: fc.constant(NEW_LIMIT),
    buy: fc.boolean(),
    price: fc.integer({ min: 95, max: 105 }),
    quantity: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({
    op: fc.constant(NEW_MARKET),
    buy: fc.boolean(),
    price: fc.constant(0),
    quantity: fc.integer({ min: 1, max: 60 }),
  }),
  fc.record({ op: fc.constant(CANCEL), buy: fc.constant(true), price: fc.nat({ max: 200 }), quantity: fc.constant(0) }),
);

function tapeOf(commands: ReadonlyArray<{ op: number; buy: boolean; price: number; quantity: number }>): Tape {
  const writer = new TapeWriter();
  let nextId = 1;
  for (const { op, buy, price, quantity } of commands) {
    // A cancel's "price" picks the id it names, placed or not.
    if (op === CANCEL) writer.add(CANCEL, 1 + (price % nextId), 0, 0, 0);
    else writer.add(op, nextId++, sideCode(buy), price, quantity);
  }
  return writer.finish();
}

describe('the same trades as other engines', () => {
  it('on random short flows of limit and market orders and cancels', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 200, size: 'large' }), (commands) => {
        const tape = tapeOf(commands);
        const ours = oursOn(tape);
        for (const play of [nodejsOrderBook, limitOrderBook]) {
          const { fills } = play(tape);
          expect({ fills: fills.count, quantity: fills.filledQuantity, sha256: fills.sha256() }).toEqual(ours);
        }
      }),
      { numRuns: 300 },
    );
  });

  for (const mix of [STEADY, DEEP]) {
    for (const seed of [7, 2026]) {
      it(`on 30,000 commands of the ${mix.name} mix (seed ${seed})`, () => {
        const tape = generateTape(mix, 30_000, seed);
        const trades = oursOn(tape);
        expect(trades.fills).toBeGreaterThan(3_000);
        for (const play of [nodejsOrderBook, limitOrderBook]) {
          const { fills } = play(tape);
          expect({ fills: fills.count, quantity: fills.filledQuantity, sha256: fills.sha256() }).toEqual(trades);
        }
      });
    }
  }
});
