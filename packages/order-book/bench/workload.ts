import { CANCEL, NEW_LIMIT, NEW_MARKET, sideCode, TapeWriter, type Tape } from './tape.js';

export interface Mix {
  readonly name: string;
  readonly cancel: number;
  readonly market: number;
  /** Share of limit orders priced through the spread. */
  readonly crossing: number;
}

export const STEADY: Mix = { name: 'steady', cancel: 0.45, market: 0.05, crossing: 0.1 };
export const DEEP: Mix = { name: 'deep', cancel: 0.2, market: 0.1, crossing: 0.2 };

/** xorshift32: a tiny seeded generator, so every run and every engine sees the same flow. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

/**
 * Order flow for one instrument (tick 1): limit orders within ±50 ticks of a mid that drifts a tick now and
 * then, crossing ones up to 4 ticks through it, quantities 1-100. Cancels name an order placed and not yet
 * cancelled, which may have filled meanwhile (then the cancel is refused as unknown, as an exchange would).
 */
export function generateTape(mix: Mix, commands: number, seed = 42): Tape {
  const random = generator(seed);
  const writer = new TapeWriter();
  const cancellable: number[] = [];
  let nextId = 1;
  let mid = 10_000;
  for (let i = 0; i < commands; i++) {
    const roll = random();
    if (roll < mix.cancel && cancellable.length > 0) {
      const pick = Math.floor(random() * cancellable.length);
      const id = cancellable[pick]!;
      cancellable[pick] = cancellable[cancellable.length - 1]!;
      cancellable.pop();
      writer.add(CANCEL, id, 0, 0, 0);
    } else if (roll < mix.cancel + mix.market) {
      writer.add(NEW_MARKET, nextId++, sideCode(random() < 0.5), 0, 1 + Math.floor(random() * 50));
    } else {
      const isBuy = random() < 0.5;
      const quantity = 1 + Math.floor(random() * 100);
      const offset = 1 + Math.floor(random() * 50);
      const through = random() < mix.crossing;
      const distance = through ? -(offset % 5) : offset;
      const price = isBuy ? mid - distance : mid + distance;
      if (random() < 0.01) mid += random() < 0.5 ? -1 : 1;
      cancellable.push(nextId);
      writer.add(NEW_LIMIT, nextId++, sideCode(isBuy), price, quantity);
    }
  }
  return writer.finish();
}
