import { describe, expect, it } from 'vitest';
import { limitOrderBook, nodejsOrderBook } from '../bench/other-engines.js';
import { playTape, REPLAY_CONFIG } from '../bench/runner.js';
import { DEEP, generateTape, STEADY } from '../bench/workload.js';

/**
 * A differential check of the matching core: two open-source JavaScript order books from npm, written apart from this
 * one (nodejs-order-book and limit-order-book), fill the benchmark's order flow with the very same trades, fill by
 * fill: the same makers, in the same order, at the same prices and quantities.
 */
describe('the same trades as other engines', () => {
  for (const mix of [STEADY, DEEP]) {
    for (const seed of [7, 2026]) {
      it(`on 30,000 commands of the ${mix.name} mix (seed ${seed})`, () => {
        const tape = generateTape(mix, 30_000, seed);
        const ours = playTape(tape, REPLAY_CONFIG).fills;
        const trades = { fills: ours.fills, quantity: ours.filledQuantity, sha256: ours.tradesSha256() };
        expect(trades.fills).toBeGreaterThan(3_000);
        for (const play of [nodejsOrderBook, limitOrderBook]) {
          const { fills } = play(tape);
          expect({ fills: fills.count, quantity: fills.filledQuantity, sha256: fills.sha256() }).toEqual(trades);
        }
      });
    }
  }
});
