import { BUY, SELL, type SideCode } from '../src/codes.js';

/**
 * Benchmark commands in columns, decoded before timing starts so that parsing is never measured. Int32 columns
 * (the core's ids, prices and quantities are below 2^31) keep the tape's own stream through the caches small.
 */
export const NEW_LIMIT = 0;
export const NEW_MARKET = 1;
export const CANCEL = 2;

export interface Tape {
  readonly length: number;
  readonly op: Uint8Array;
  readonly id: Int32Array;
  readonly side: Uint8Array;
  readonly price: Int32Array;
  readonly quantity: Int32Array;
  /** When the source's ids did not fit the core, the source id of each internal id (fills are reported in them). */
  readonly sourceIds?: Float64Array;
}

export class TapeWriter {
  private length = 0;
  private op = new Uint8Array(1024);
  private id = new Int32Array(1024);
  private side = new Uint8Array(1024);
  private price = new Int32Array(1024);
  private quantity = new Int32Array(1024);

  add(op: number, id: number, side: SideCode, price: number, quantity: number): void {
    if (this.length === this.op.length) this.grow();
    const i = this.length++;
    this.op[i] = op;
    this.id[i] = id;
    this.side[i] = side;
    this.price[i] = price;
    this.quantity[i] = quantity;
  }

  finish(sourceIds?: Float64Array): Tape {
    const n = this.length;
    return {
      length: n,
      op: this.op.slice(0, n),
      id: this.id.slice(0, n),
      side: this.side.slice(0, n),
      price: this.price.slice(0, n),
      quantity: this.quantity.slice(0, n),
      ...(sourceIds === undefined ? {} : { sourceIds }),
    };
  }

  private grow(): void {
    const size = this.op.length * 2;
    const copy = <T extends Uint8Array | Int32Array>(from: T, to: T): T => {
      to.set(from as never);
      return to;
    };
    this.op = copy(this.op, new Uint8Array(size));
    this.id = copy(this.id, new Int32Array(size));
    this.side = copy(this.side, new Uint8Array(size));
    this.price = copy(this.price, new Int32Array(size));
    this.quantity = copy(this.quantity, new Int32Array(size));
  }
}

export const sideCode = (isBuy: boolean): SideCode => (isBuy ? BUY : SELL);

/** The tape's first `length` commands (views of its columns, not copies). */
export function prefix(tape: Tape, length: number): Tape {
  return {
    length,
    op: tape.op.subarray(0, length),
    id: tape.id.subarray(0, length),
    side: tape.side.subarray(0, length),
    price: tape.price.subarray(0, length),
    quantity: tape.quantity.subarray(0, length),
    ...(tape.sourceIds === undefined ? {} : { sourceIds: tape.sourceIds }),
  };
}
