import { BUY, SELL, type SideCode } from '../src/codes.js';

/** Benchmark commands in columns, decoded before timing starts so that parsing is never measured. */
export const NEW_LIMIT = 0;
export const NEW_MARKET = 1;
export const CANCEL = 2;

export interface Tape {
  readonly length: number;
  readonly op: Uint8Array;
  readonly id: Float64Array;
  readonly side: Uint8Array;
  readonly price: Float64Array;
  readonly quantity: Float64Array;
}

export class TapeWriter {
  private length = 0;
  private op = new Uint8Array(1024);
  private id = new Float64Array(1024);
  private side = new Uint8Array(1024);
  private price = new Float64Array(1024);
  private quantity = new Float64Array(1024);

  add(op: number, id: number, side: SideCode, price: number, quantity: number): void {
    if (this.length === this.op.length) this.grow();
    const i = this.length++;
    this.op[i] = op;
    this.id[i] = id;
    this.side[i] = side;
    this.price[i] = price;
    this.quantity[i] = quantity;
  }

  finish(): Tape {
    const n = this.length;
    return {
      length: n,
      op: this.op.slice(0, n),
      id: this.id.slice(0, n),
      side: this.side.slice(0, n),
      price: this.price.slice(0, n),
      quantity: this.quantity.slice(0, n),
    };
  }

  private grow(): void {
    const size = this.op.length * 2;
    const copy = <T extends Uint8Array | Float64Array>(from: T, to: T): T => {
      to.set(from as never);
      return to;
    };
    this.op = copy(this.op, new Uint8Array(size));
    this.id = copy(this.id, new Float64Array(size));
    this.side = copy(this.side, new Uint8Array(size));
    this.price = copy(this.price, new Float64Array(size));
    this.quantity = copy(this.quantity, new Float64Array(size));
  }
}

export const sideCode = (isBuy: boolean): SideCode => (isBuy ? BUY : SELL);
