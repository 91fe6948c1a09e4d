import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ANY_ACCOUNT, GTC, IOC, LIMIT, MARKET, STP_NONE, type SideCode } from '../src/codes.js';
import type { BookEvents } from '../src/book-events.js';
import { OrderBook } from '../src/order-book.js';
import type { BookConfig } from '../src/order-rules.js';
import { committed, resized } from '../src/order-pool.js';
import { CANCEL, NEW_LIMIT, NEW_MARKET, type Tape } from './tape.js';

/** The replay instrument: tick 1, lot 1, no price band. */
export const REPLAY_CONFIG: BookConfig = { tickSize: 1, lotSize: 1, priceBand: null };

const FILL_FIELDS = 4;

/**
 * Records fills as rows of four int32s (taker, maker, price, quantity) in one array: one write stream instead
 * of four, written once before the clock starts so that the run does not pay the operating system's
 * first-touch page faults. Everything else the book says is dropped.
 */
class FillRecorder implements BookEvents {
  fills = 0;
  filledQuantity = 0;
  private rows: Int32Array;

  constructor(
    expectedFills: number,
    private readonly sourceIds?: Float64Array,
  ) {
    this.rows = committed(new Int32Array(expectedFills * FILL_FIELDS));
  }

  trade(_n: number, price: number, quantity: number, _side: SideCode, makerId: number, _ma: number, takerId: number) {
    let at = this.fills * FILL_FIELDS;
    if (at === this.rows.length) this.rows = resized(this.rows, this.rows.length * 2);
    this.fills++;
    const rows = this.rows;
    rows[at++] = takerId;
    rows[at++] = makerId;
    rows[at++] = price;
    rows[at] = quantity;
    this.filledQuantity += quantity;
  }
  accepted(): void {}
  rejected(): void {}
  updated(): void {}
  filled(): void {}
  cancelled(): void {}
  expired(): void {}
  stopTriggered(): void {}
  levelChanged(): void {}
  volatilityAuction(): void {}

  /** Fill `i` as [taker, maker, price, quantity], ids as the source wrote them. */
  fill(i: number): [number, number, number, number] {
    const at = i * FILL_FIELDS;
    const source = (id: number): number => (this.sourceIds === undefined ? id : this.sourceIds[id]!);
    return [source(this.rows[at]!), source(this.rows[at + 1]!), this.rows[at + 2]!, this.rows[at + 3]!];
  }

  tradesSha256(): string {
    return fillsSha256(this.fills, (i) => this.fill(i));
  }
}

/**
 * The replay's trade hash: SHA-256 of "<taker>,<maker>,<price>,<qty>\n" for each of `count` fills, in execution order.
 */
export function fillsSha256(count: number, fill: (i: number) => readonly number[]): string {
  const hash = createHash('sha256');
  const chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    chunk.push(`${fill(i).join(',')}\n`);
    if (chunk.length === 4096) {
      hash.update(chunk.join(''));
      chunk.length = 0;
    }
  }
  hash.update(chunk.join(''));
  return hash.digest('hex');
}

export interface TapeRun {
  readonly book: OrderBook;
  readonly fills: FillRecorder;
  readonly seconds: number;
}

/** Plays the tape into a fresh book; with `latencies`, times each command separately (slower overall). */
export function playTape(tape: Tape, config: BookConfig, latencies?: Float64Array): TapeRun {
  const fills = new FillRecorder(expectedFills(tape), tape.sourceIds);
  const book = new OrderBook(config, fills);
  const { op, id, side, price, quantity, length } = tape;
  const started = performance.now();
  if (latencies === undefined) {
    for (let i = 0; i < length; i++) step(book, op[i]!, id[i]!, side[i] as SideCode, price[i]!, quantity[i]!);
  } else {
    for (let i = 0; i < length; i++) {
      const before = performance.now();
      step(book, op[i]!, id[i]!, side[i] as SideCode, price[i]!, quantity[i]!);
      latencies[i] = performance.now() - before;
    }
  }
  return { book, fills, seconds: (performance.now() - started) / 1000 };
}

/** A fill per command at most, except for orders that sweep levels: room for the common case up front. */
function expectedFills(tape: Tape): number {
  let orders = 0;
  for (let i = 0; i < tape.length; i++) if (tape.op[i] !== CANCEL) orders++;
  return Math.max(1024, orders);
}

/** How many of the tape's first commands it takes for the book to hold `resting` orders (all, if it never does). */
export function commandsToReach(tape: Tape, config: BookConfig, resting: number): number {
  const book = new OrderBook(config, new FillRecorder(0));
  for (let i = 0; i < tape.length; i++) {
    step(book, tape.op[i]!, tape.id[i]!, tape.side[i] as SideCode, tape.price[i]!, tape.quantity[i]!);
    if (book.liveOrders >= resting) return i + 1;
  }
  return tape.length;
}

function step(book: OrderBook, op: number, id: number, side: SideCode, price: number, quantity: number): void {
  if (op === NEW_LIMIT) book.place(id, 0, side, LIMIT, GTC, price, 0, 0, quantity, false, STP_NONE);
  else if (op === NEW_MARKET) book.place(id, 0, side, MARKET, IOC, 0, 0, 0, quantity, false, STP_NONE);
  else book.cancel(id, ANY_ACCOUNT);
}

export interface TapeFigures {
  commands: number;
  fills: number;
  filledQty: number;
  resting: number;
  tradesSha256: string;
  opsPerSec: number;
  p50Ns: number;
  p99Ns: number;
  p999Ns: number;
}

/**
 * With --expose-gc, frees the previous run's books before the next is timed, so one run never pays for
 * releasing another's memory.
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function percentileNs(sortedMs: Float64Array, fraction: number): number {
  const index = Math.min(sortedMs.length - 1, Math.ceil(fraction * sortedMs.length) - 1);
  return Math.round(sortedMs[Math.max(0, index)]! * 1e6);
}

/**
 * Warms the JIT on the tape, then plays it `runs` times for throughput (median reported) and once more with
 * per-command timing for the latency percentiles. Every run starts from an empty book.
 */
export function measureTape(tape: Tape, config: BookConfig, runs = 5): TapeFigures {
  return measureTapes([tape], config, runs)[0]!.figures;
}

export interface TapeMeasurement {
  readonly figures: TapeFigures;
  /** Commands per second of each timed run, in the order the rounds were played. */
  readonly runsPerSec: readonly number[];
}

/**
 * `measureTape` for several tapes at once, one run of each per round, so that every tape meets the machine in the
 * same state: on a shared virtual machine a slow minute then slows them all rather than whichever was playing,
 * and the ratio of two tapes' throughputs can be taken round by round. Finished runs stay referenced until the
 * end: V8 drops optimized code that embedded objects which have since died, so collecting one run's book would
 * send the next run back through unoptimized code for part of its clock (an engine keeps its books for its whole
 * life).
 */
export function measureTapes(tapes: readonly Tape[], config: BookConfig, runs = 5): TapeMeasurement[] {
  const finished: TapeRun[][] = tapes.map((tape) => [playTape(tape, config)]);
  const throughput: number[][] = tapes.map(() => []);
  for (let r = 0; r < runs; r++) {
    tapes.forEach((tape, t) => {
      collectGarbage();
      const run = playTape(tape, config);
      finished[t]!.push(run);
      throughput[t]!.push(tape.length / run.seconds);
    });
  }
  return tapes.map((tape, t) => {
    const latencies = new Float64Array(tape.length).fill(0);
    collectGarbage();
    const runsOfTape = finished[t]!;
    const run = runsOfTape.at(-1)!;
    runsOfTape.push(playTape(tape, config, latencies));
    latencies.sort();
    if (new Set(runsOfTape.map((each) => `${each.fills.fills}/${each.book.liveOrders}`)).size !== 1) {
      throw new Error('runs of the same tape ended differently: the book is not deterministic');
    }
    return {
      figures: {
        commands: tape.length,
        fills: run.fills.fills,
        filledQty: run.fills.filledQuantity,
        resting: run.book.liveOrders,
        tradesSha256: run.fills.tradesSha256(),
        opsPerSec: Math.round(median(throughput[t]!)),
        p50Ns: percentileNs(latencies, 0.5),
        p99Ns: percentileNs(latencies, 0.99),
        p999Ns: percentileNs(latencies, 0.999),
      },
      runsPerSec: throughput[t]!,
    };
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
