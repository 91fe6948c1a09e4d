/**
 * A set of price indices in [0, span) with O(log32 span) "next price with orders" queries: one bit per price,
 * then one bit per non-empty word above it, and so on up to a single word. Finding the next best level after a
 * level empties is a few clz32 operations instead of a scan.
 */
export class PriceBitmap {
  private readonly levels: Uint32Array[] = [];

  constructor(readonly span: number) {
    let words = span;
    do {
      words = Math.ceil(words / 32);
      this.levels.push(new Uint32Array(words));
    } while (words > 1);
  }

  get bytes(): number {
    return this.levels.reduce((sum, words) => sum + words.byteLength, 0);
  }

  has(index: number): boolean {
    return (this.levels[0]![index >>> 5]! & (1 << (index & 31))) !== 0;
  }

  set(index: number): void {
    for (const words of this.levels) {
      const word = index >>> 5;
      const before = words[word]!;
      words[word] = before | (1 << (index & 31));
      if (before !== 0) return;
      index = word;
    }
  }

  clear(index: number): void {
    for (const words of this.levels) {
      const word = index >>> 5;
      const after = words[word]! & ~(1 << (index & 31));
      words[word] = after;
      if (after !== 0) return;
      index = word;
    }
  }

  /** The smallest set index ≥ from, or -1. */
  nextAtOrAbove(from: number): number {
    const levels = this.levels;
    let level = 0;
    let index = from;
    for (;;) {
      if (level === levels.length) return -1;
      const words = levels[level]!;
      const word = index >>> 5;
      if (word >= words.length) return -1;
      const bits = words[word]! & (-1 << (index & 31));
      if (bits !== 0) {
        index = (word << 5) | (31 - Math.clz32(bits & -bits));
        break;
      }
      index = word + 1;
      level++;
    }
    while (level > 0) {
      level--;
      const bits = levels[level]![index]!;
      index = (index << 5) | (31 - Math.clz32(bits & -bits));
    }
    return index;
  }

  /** The largest set index ≤ from, or -1. */
  prevAtOrBelow(from: number): number {
    const levels = this.levels;
    let level = 0;
    let index = from;
    for (;;) {
      if (index < 0 || level === levels.length) return -1;
      const words = levels[level]!;
      let word = index >>> 5;
      let bits: number;
      if (word >= words.length) {
        word = words.length - 1;
        bits = words[word]!;
      } else {
        bits = words[word]! & (-1 >>> (31 - (index & 31)));
      }
      if (bits !== 0) {
        index = (word << 5) | (31 - Math.clz32(bits));
        break;
      }
      index = word - 1;
      level++;
    }
    while (level > 0) {
      level--;
      index = (index << 5) | (31 - Math.clz32(levels[level]![index]!));
    }
    return index;
  }
}
