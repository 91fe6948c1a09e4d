import { BUY, RESTING, WAITING_STOP, type SideCode } from './codes.js';
import type { BookConfig, OrderBook } from './order-book.js';
import {
  I_ACCOUNT,
  I_FLAGS,
  F_ID,
  I_LEVEL,
  I_NEXT,
  I_PREV,
  F_PRICE,
  F_QTY,
  F_REM,
  F_SEQ,
  S_STOP,
  S_TRAIL,
  kindOf,
  NO_SLOT,
  packFlags,
  postOnlyOf,
  selfTradeOf,
  sideOf,
  stateOf,
  timeInForceOf,
} from './order-pool.js';

/**
 * One live order in a snapshot, as a tuple so that a book of a million orders stays a compact plain-JSON value:
 * [id, account, side, kind, timeInForce, selfTrade, postOnly(0|1), price, stopPrice, trailingOffset, quantity,
 *  remaining, sequence, state]
 */
export type SnapshotOrder = [
  id: number,
  account: number,
  side: number,
  kind: number,
  timeInForce: number,
  selfTrade: number,
  postOnly: number,
  price: number,
  stopPrice: number,
  trailingOffset: number,
  quantity: number,
  remaining: number,
  sequence: number,
  state: number,
];

export interface BookSnapshot {
  readonly format: 1;
  readonly config: BookConfig;
  readonly lastTradePrice: number;
  readonly trades: number;
  readonly arrivals: number;
  /** Bids best price first, then asks best first, each level in FIFO order; then buy stops, then sell stops, each in trigger order. */
  readonly orders: SnapshotOrder[];
}

/** Live order slots in canonical order: the order a snapshot lists them in. */
function canonicalSlots(book: OrderBook): number[] {
  const slots: number[] = [];
  const ladder = book.ladder;
  for (const isBuy of [true, false]) {
    let rung = isBuy ? ladder.bestBid : ladder.bestAsk;
    while (rung >= 0) {
      const level = ladder.slots[rung]! - 1;
      for (let slot = book.levels.head[level]!; slot !== NO_SLOT; slot = book.orders.links[(slot << 1) + I_NEXT]!) {
        slots.push(slot);
      }
      rung = isBuy ? ladder.bids.prevAtOrBelow(rung - 1) : ladder.asks.nextAtOrAbove(rung + 1);
    }
  }
  slots.push(...book.stops.buys, ...book.stops.sells);
  return slots;
}

function orderTuple(book: OrderBook, slot: number): SnapshotOrder {
  const d = book.orders.data;
  const n = book.orders.links;
  const s = book.orders.stops;
  return [
    d[slot + F_ID]!,
    n[(slot << 1) + I_ACCOUNT]!,
    sideOf(n[(slot << 1) + I_FLAGS]!),
    kindOf(n[(slot << 1) + I_FLAGS]!),
    timeInForceOf(n[(slot << 1) + I_FLAGS]!),
    selfTradeOf(n[(slot << 1) + I_FLAGS]!),
    postOnlyOf(n[(slot << 1) + I_FLAGS]!),
    d[slot + F_PRICE]!,
    s[(slot >> 2) + S_STOP]!,
    s[(slot >> 2) + S_TRAIL]!,
    d[slot + F_QTY]!,
    d[slot + F_REM]!,
    d[slot + F_SEQ]!,
    stateOf(n[(slot << 1) + I_FLAGS]!),
  ];
}

export function snapshotBook(book: OrderBook): BookSnapshot {
  const { tickSize, lotSize, priceBand, maxPriceSpan } = book.config;
  const config: BookConfig = {
    tickSize,
    lotSize,
    priceBand: priceBand === null ? null : { min: priceBand.min, max: priceBand.max },
    ...(maxPriceSpan === undefined ? {} : { maxPriceSpan }),
  };
  return {
    format: 1,
    config,
    lastTradePrice: book.lastPrice,
    trades: book.trades,
    arrivals: book.arrivals,
    orders: canonicalSlots(book).map((slot) => orderTuple(book, slot)),
  };
}

/** Fills an empty book from a snapshot without emitting events; it then behaves exactly as the original would. */
export function loadSnapshot(book: OrderBook, snapshot: BookSnapshot): void {
  if (snapshot.format !== 1) throw new Error(`unknown snapshot format ${String(snapshot.format)}`);
  if (book.liveOrders !== 0) throw new Error('a snapshot loads into an empty book only');
  const levels = book.levels;
  const ladder = book.ladder;
  const tick = snapshot.config.tickSize;
  for (const tuple of snapshot.orders) {
    const [id, account, side, kind, timeInForce, selfTrade, postOnly, price, stopPrice, trailing] = tuple;
    const [, , , , , , , , , , quantity, remaining, sequence, state] = tuple;
    const slot = book.orders.allocate();
    const d = book.orders.data;
    const n = book.orders.links;
    const s = book.orders.stops;
    d[slot + F_ID] = id;
    n[(slot << 1) + I_ACCOUNT] = account;
    n[(slot << 1) + I_FLAGS] = packFlags(side, kind, timeInForce, selfTrade, postOnly, state);
    d[slot + F_PRICE] = price;
    s[(slot >> 2) + S_STOP] = stopPrice;
    s[(slot >> 2) + S_TRAIL] = trailing;
    d[slot + F_QTY] = quantity;
    d[slot + F_REM] = remaining;
    d[slot + F_SEQ] = sequence;
    book.index.set(id, slot);
    if (state === WAITING_STOP) {
      book.stops.insert(slot, side === BUY);
      continue;
    }
    const rung = ladder.cover(price / tick);
    if (rung < 0) throw new Error(`snapshot order ${id} has a price the ladder cannot hold`);
    let level = ladder.slots[rung]! - 1;
    if (level < 0) {
      level = levels.allocate(side, rung);
      ladder.slots[rung] = level + 1;
      (side === BUY ? ladder.bids : ladder.asks).set(rung);
    }
    const tail = levels.tail[level]!;
    n[(slot << 1) + I_PREV] = tail;
    n[(slot << 1) + I_NEXT] = NO_SLOT;
    if (tail === NO_SLOT) levels.head[level] = slot;
    else n[(tail << 1) + I_NEXT] = slot;
    levels.tail[level] = slot;
    levels.count[level] = levels.count[level]! + 1;
    levels.quantity[level] = levels.quantity[level]! + remaining;
    n[(slot << 1) + I_LEVEL] = level;
  }
  ladder.bestBid = ladder.bids.prevAtOrBelow(ladder.span - 1);
  ladder.bestAsk = ladder.asks.nextAtOrAbove(0);
  book.lastPrice = snapshot.lastTradePrice;
  book.trades = snapshot.trades;
  book.arrivals = snapshot.arrivals;
}

/** FNV-1a over two 32-bit lanes of every number that defines the book's state; 16 hex digits. */
export function hashBook(book: OrderBook): string {
  let low = 0x811c9dc5;
  let high = 0x01000193 ^ 0x5bd1e995;
  const mix = (value: number): void => {
    const lowWord = value >>> 0;
    const highWord = Math.floor(value / 0x1_0000_0000) >>> 0;
    low = Math.imul(low ^ lowWord, 0x01000193);
    high = Math.imul(high ^ highWord ^ (low >>> 7), 0x01000193);
  };
  mix(book.lastPrice);
  mix(book.trades);
  mix(book.arrivals);
  for (const slot of canonicalSlots(book)) for (const field of orderTuple(book, slot)) mix(field);
  return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
}

/** Checks every structural invariant of the book; returns what is wrong (empty when all is well). */
export function checkBook(book: OrderBook): string[] {
  const problems: string[] = [];
  const { orders, levels, ladder } = book;
  const d = orders.data;
  const n = orders.links;
  const s = orders.stops;
  const tick = book.config.tickSize;
  let resting = 0;
  let highestBid = -1;
  let lowestAsk = -1;
  for (let rung = 0; rung < ladder.span; rung++) {
    const stored = ladder.slots[rung]!;
    const bid = ladder.bids.has(rung);
    const ask = ladder.asks.has(rung);
    if (stored === 0) {
      if (bid || ask) problems.push(`rung ${rung} is marked but has no level`);
      continue;
    }
    const level = stored - 1;
    const side = levels.side[level] as SideCode;
    if (bid !== (side === BUY) || ask === (side === BUY)) problems.push(`rung ${rung} is marked on the wrong side`);
    if (levels.rung[level] !== rung) problems.push(`level ${level} thinks it is at rung ${levels.rung[level]}`);
    if (side === BUY) highestBid = rung;
    else if (lowestAsk < 0) lowestAsk = rung;
    let count = 0;
    let quantity = 0;
    let previous = NO_SLOT;
    let previousSequence = -Infinity;
    for (let slot = levels.head[level]!; slot !== NO_SLOT; slot = n[(slot << 1) + I_NEXT]!) {
      count++;
      quantity += d[slot + F_REM]!;
      if (previous !== NO_SLOT && n[(slot << 1) + I_PREV] !== previous)
        problems.push(`order ${d[slot + F_ID]} has a broken prev link`);
      if (n[(slot << 1) + I_LEVEL] !== level || stateOf(n[(slot << 1) + I_FLAGS]!) !== RESTING)
        problems.push(`order ${d[slot + F_ID]} is misfiled`);
      if (sideOf(n[(slot << 1) + I_FLAGS]!) !== side) problems.push(`order ${d[slot + F_ID]} rests on the wrong side`);
      if (d[slot + F_PRICE] !== (rung + ladder.base) * tick)
        problems.push(`order ${d[slot + F_ID]} rests at the wrong price`);
      if (!(d[slot + F_REM]! > 0 && d[slot + F_REM]! <= d[slot + F_QTY]!)) {
        problems.push(`order ${d[slot + F_ID]} has remaining ${d[slot + F_REM]} of ${d[slot + F_QTY]}`);
      }
      if (d[slot + F_SEQ]! <= previousSequence) problems.push(`order ${d[slot + F_ID]} breaks FIFO at its level`);
      if (book.index.get(d[slot + F_ID]!) !== slot) problems.push(`order ${d[slot + F_ID]} is not indexed`);
      previousSequence = d[slot + F_SEQ]!;
      previous = slot;
      if (count > orders.capacity) break;
    }
    if (levels.tail[level] !== previous) problems.push(`level at rung ${rung} has a wrong tail`);
    if (levels.count[level] !== count)
      problems.push(`level at rung ${rung} counts ${levels.count[level]}, has ${count}`);
    if (levels.quantity[level] !== quantity) {
      problems.push(`level at rung ${rung} totals ${levels.quantity[level]}, has ${quantity}`);
    }
    resting += count;
  }
  if (ladder.bestBid !== highestBid) problems.push(`best bid rung ${ladder.bestBid}, expected ${highestBid}`);
  if (ladder.bestAsk !== lowestAsk) problems.push(`best ask rung ${ladder.bestAsk}, expected ${lowestAsk}`);
  if (highestBid >= 0 && lowestAsk >= 0 && highestBid >= lowestAsk) problems.push('the book is crossed');
  for (const [isBuy, list] of [
    [true, book.stops.buys],
    [false, book.stops.sells],
  ] as const) {
    for (let i = 0; i < list.length; i++) {
      const slot = list[i]!;
      if (stateOf(n[(slot << 1) + I_FLAGS]!) !== WAITING_STOP || (sideOf(n[(slot << 1) + I_FLAGS]!) === BUY) !== isBuy)
        problems.push(`stop ${d[slot + F_ID]} is misfiled`);
      if (book.index.get(d[slot + F_ID]!) !== slot) problems.push(`stop ${d[slot + F_ID]} is not indexed`);
      const next = list[i + 1];
      if (next === undefined) continue;
      const [a, b] = [s[(slot >> 2) + S_STOP]!, s[(next >> 2) + S_STOP]!];
      const ordered = a === b ? d[slot + F_SEQ]! < d[next + F_SEQ]! : isBuy ? a < b : a > b;
      if (!ordered) problems.push(`stops ${d[slot + F_ID]} and ${d[next + F_ID]} are out of trigger order`);
    }
  }
  const trailing = [...book.stops.buys, ...book.stops.sells].filter((slot) => s[(slot >> 2) + S_TRAIL]! > 0).length;
  if (trailing !== book.stops.trailing) problems.push(`trailing stop count ${book.stops.trailing}, has ${trailing}`);
  if (resting + book.stops.size !== orders.live)
    problems.push(`${orders.live} live orders, ${resting + book.stops.size} filed`);
  return problems;
}
