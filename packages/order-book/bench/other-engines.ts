import { performance } from 'node:perf_hooks';
import LimitOrderBookPackage from 'limit-order-book';
import { OrderBook as NodejsOrderBook, Side } from 'nodejs-order-book';
import { BUY } from '../src/codes.js';
import { fillsSha256 } from './runner.js';
import { CANCEL, NEW_LIMIT, type Tape } from './tape.js';

const { LimitOrderBook, LimitOrder, MarketOrder } = LimitOrderBookPackage;

/**
 * The open-source JavaScript limit order books on npm that take the replay's orders (limit and market, cancels by
 * id), each playing a tape and reporting its fills as the replay hashes them. What each engine's interface wants
 * (string ids and prices, order objects) is made from the tape before the clock starts where it can be reused, and
 * inside it where the engine takes the object over.
 */
export interface OtherEngineRun {
  readonly seconds: number;
  readonly fills: Fills;
}

/** Fills as the replay hashes them, recorded during a run (four numbers each) and hashed after it. */
export class Fills {
  private readonly rows: number[] = [];
  filledQuantity = 0;

  add(taker: number, maker: number, price: number, quantity: number): void {
    this.rows.push(taker, maker, price, quantity);
    this.filledQuantity += quantity;
  }

  get count(): number {
    return this.rows.length / 4;
  }

  sha256(): string {
    return fillsSha256(this.count, (i) => this.rows.slice(i * 4, i * 4 + 4));
  }
}

/** Strings of the tape's numbers, made once: what the string-based engines take. */
function asStrings(column: Int32Array): string[] {
  return Array.from(column, (value) => String(value));
}

/**
 * Plays `tape` through an engine and times it: `cancel` for each cancel, `place` for each new limit or market order.
 */
function timed(tape: Tape, cancel: (i: number) => void, place: (i: number, limit: boolean) => void): number {
  const started = performance.now();
  for (let i = 0; i < tape.length; i++) {
    if (tape.op[i] === CANCEL) cancel(i);
    else place(i, tape.op[i] === NEW_LIMIT);
  }
  return (performance.now() - started) / 1000;
}

export function nodejsOrderBook(tape: Tape): OtherEngineRun {
  const ids = asStrings(tape.id);
  const book = new NodejsOrderBook();
  const fills = new Fills();
  const seconds = timed(
    tape,
    (i) => book.cancel(ids[i]!),
    (i, limit) => {
      const id = ids[i]!;
      const side = tape.side[i] === BUY ? Side.BUY : Side.SELL;
      const size = tape.quantity[i]!;
      const answer = limit ? book.limit({ side, id, size, price: tape.price[i]! }) : book.market({ side, size });
      // `done` holds every maker it filled whole (at its size then) and the taker too if it filled whole; `partial`
      // the maker it filled in part, if any (else the taker, resting what is left).
      for (const maker of answer.done) {
        if (maker.id !== id && 'price' in maker) fills.add(tape.id[i]!, Number(maker.id), maker.price, maker.size);
      }
      const partial = answer.partial;
      if (partial !== null && partial.id !== id && answer.partialQuantityProcessed > 0) {
        fills.add(tape.id[i]!, Number(partial.id), partial.price, answer.partialQuantityProcessed);
      }
    },
  );
  return { seconds, fills };
}

export function limitOrderBook(tape: Tape): OtherEngineRun {
  const ids = asStrings(tape.id);
  const prices = asStrings(tape.price);
  const quantities = asStrings(tape.quantity);
  const book = new LimitOrderBook({ symbol: 'REPLAY', priceStep: '1', sizeStep: '1' });
  const fills = new Fills();
  const seconds = timed(
    tape,
    (i) => book.remove(ids[i]!),
    (i, limit) => {
      const side = tape.side[i] === BUY ? 'bid' : 'ask';
      const order = limit
        ? new LimitOrder(ids[i]!, side, prices[i]!, quantities[i]!)
        : new MarketOrder(ids[i]!, side, quantities[i]!);
      for (const maker of book.add(order).makers) {
        fills.add(tape.id[i]!, Number(maker.orderId), Number(maker.price), Number(maker.filled));
      }
    },
  );
  return { seconds, fills };
}
