import { BUY, RESTING, SELL, STOP_LIMIT, WAITING_STOP, type SideCode } from './codes.js';
import type { OrderBook } from './order-book.js';
import type { BookConfig } from './order-rules.js';
import {
  HAS_STOP,
  kindOf,
  NO_SLOT,
  packFlags,
  postOnlyOf,
  R_ACCOUNT,
  R_FLAGS,
  R_ID,
  R_NEXT,
  R_PREV,
  R_QTY,
  R_REM,
  R_TICK,
  S_SEQ,
  S_STOP,
  S_TRAIL,
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
  /** Present (true) only while trading is halted, so snapshots of books that never halted read as before. */
  readonly halted?: true;
  /** Present (true) only during a call auction, whose orders rest without trading until it uncrosses. */
  readonly auction?: true;
  /** The volatility tunnel's reference price (cents; 0: none yet); present only for a book with a tunnel. */
  readonly tunnelReference?: number;
  /**
   * Without a price band, the ladder's window in ticks: it decides which prices the book can still take.
   * Snapshots from before it was kept lack it; their books get a window around their orders' prices.
   */
  readonly ladder?: { readonly base: number; readonly span: number };
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
      const level = ladder.slotsOf(isBuy ? BUY : SELL)[rung]! - 1;
      for (let slot = book.levels.head[level]!; slot !== NO_SLOT; slot = book.orders.records[slot + R_NEXT]!) {
        slots.push(slot);
      }
      rung = isBuy ? ladder.bids.prevAtOrBelow(rung - 1) : ladder.asks.nextAtOrAbove(rung + 1);
    }
  }
  slots.push(...book.stops.buys, ...book.stops.sells);
  return slots;
}

function orderTuple(book: OrderBook, slot: number): SnapshotOrder {
  const r = book.orders.records;
  const waiting = stateOf(r[slot + R_FLAGS]!) === WAITING_STOP;
  return [
    r[slot + R_ID]!,
    r[slot + R_ACCOUNT]!,
    sideOf(r[slot + R_FLAGS]!),
    kindOf(r[slot + R_FLAGS]!),
    timeInForceOf(r[slot + R_FLAGS]!),
    selfTradeOf(r[slot + R_FLAGS]!),
    postOnlyOf(r[slot + R_FLAGS]!),
    r[slot + R_TICK]! * book.config.tickSize,
    book.orders.stopPrice(slot),
    book.orders.trailingOffset(slot),
    r[slot + R_QTY]!,
    r[slot + R_REM]!,
    waiting ? book.orders.stops[(slot >> 1) + S_SEQ]! : 0,
    stateOf(r[slot + R_FLAGS]!),
  ];
}

export function snapshotBook(book: OrderBook): BookSnapshot {
  const { tickSize, lotSize, priceBand, maxPriceSpan, auctionTunnelBps, maxOrderQuantity } = book.config;
  const config: BookConfig = {
    tickSize,
    lotSize,
    priceBand: priceBand === null ? null : { min: priceBand.min, max: priceBand.max },
    ...(maxPriceSpan === undefined ? {} : { maxPriceSpan }),
    ...(auctionTunnelBps ? { auctionTunnelBps } : {}),
    ...(maxOrderQuantity === undefined ? {} : { maxOrderQuantity }),
  };
  return {
    format: 1,
    config,
    lastTradePrice: book.lastPrice,
    trades: book.trades,
    arrivals: book.arrivals,
    ...(book.halted ? { halted: true as const } : {}),
    ...(book.auction ? { auction: true as const } : {}),
    ...(auctionTunnelBps ? { tunnelReference: book.tunnelRef } : {}),
    ...(priceBand === null ? { ladder: { base: book.ladder.base, span: book.ladder.span } } : {}),
    orders: canonicalSlots(book).map((slot) => orderTuple(book, slot)),
  };
}

/** Fills an empty book from a snapshot without emitting events; it then behaves exactly as the original would. */
export function loadSnapshot(book: OrderBook, snapshot: BookSnapshot): void {
  if (snapshot.format !== 1) throw new Error(`unknown snapshot format ${String(snapshot.format)}`);
  if (book.liveOrders !== 0) throw new Error('a snapshot loads into an empty book only');
  const ladder = book.ladder;
  const tick = snapshot.config.tickSize;
  if (snapshot.ladder !== undefined && snapshot.config.priceBand === null) {
    ladder.adopt(snapshot.ladder.base, snapshot.ladder.span);
  }
  for (const tuple of snapshot.orders) {
    const [id, account, side, kind, timeInForce, selfTrade, postOnly, price, stopPrice, trailing] = tuple;
    const [, , , , , , , , , , quantity, remaining, sequence, state] = tuple;
    const slot = book.orders.allocate();
    if (stopPrice !== 0) book.orders.reserveStop(slot);
    const r = book.orders.records;
    const s = book.orders.stops;
    r[slot + R_ID] = id;
    r[slot + R_ACCOUNT] = account;
    r[slot + R_FLAGS] =
      packFlags(side, kind, timeInForce, selfTrade, postOnly, state) | (stopPrice === 0 ? 0 : HAS_STOP);
    r[slot + R_TICK] = price / tick;
    r[slot + R_QTY] = quantity;
    r[slot + R_REM] = remaining;
    if (stopPrice !== 0) {
      s[(slot >> 1) + S_STOP] = stopPrice;
      s[(slot >> 1) + S_TRAIL] = trailing;
      s[(slot >> 1) + S_SEQ] = sequence;
    }
    book.index.set(id, slot);
    if (state === WAITING_STOP) {
      // A stop-limit rests at its price once triggered: the ladder must reach it, as it did when it was placed.
      if (kind === STOP_LIMIT && ladder.cover(price / tick) < 0) {
        throw new Error(`snapshot order ${id} has a price the ladder cannot hold`);
      }
      book.stops.insert(slot, side === BUY);
      continue;
    }
    const rung = ladder.cover(price / tick);
    if (rung < 0) throw new Error(`snapshot order ${id} has a price the ladder cannot hold`);
    book.resting.append(slot, book.resting.open(side, rung));
  }
  book.lastPrice = snapshot.lastTradePrice;
  book.trades = snapshot.trades;
  book.arrivals = snapshot.arrivals;
  book.halted = snapshot.halted === true;
  book.auction = snapshot.auction === true;
  book.recenterTunnel(snapshot.tunnelReference ?? 0);
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
  mix(book.halted ? 1 : 0);
  // Mixed in only during an auction, so that the hash of every other book stays what it was.
  if (book.auction) mix(2);
  // Only for a book with a tunnel, likewise.
  if (book.config.auctionTunnelBps) mix(book.tunnelRef);
  mix(book.ladder.base);
  mix(book.ladder.span);
  for (const slot of canonicalSlots(book)) for (const field of orderTuple(book, slot)) mix(field);
  return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
}

/** Checks every structural invariant of the book; returns what is wrong (empty when all is well). */
export function checkBook(book: OrderBook): string[] {
  const problems: string[] = [];
  const { orders, levels, ladder } = book;
  const r = orders.records;
  const s = orders.stops;
  let resting = 0;
  let highestBid = -1;
  let lowestAsk = -1;
  for (let step = 0; step < ladder.span * 2; step++) {
    const side: SideCode = step < ladder.span ? BUY : SELL;
    const rung = step % ladder.span;
    const stored = ladder.slotsOf(side)[rung]!;
    const marked = (side === BUY ? ladder.bids : ladder.asks).has(rung);
    if (stored === 0) {
      if (marked) problems.push(`rung ${rung} is marked but has no level`);
      continue;
    }
    const level = stored - 1;
    if (!marked || levels.side[level] !== side) problems.push(`rung ${rung} is marked on the wrong side`);
    if (levels.rung[level] !== rung) problems.push(`level ${level} thinks it is at rung ${levels.rung[level]}`);
    if (side === BUY) highestBid = rung;
    else if (lowestAsk < 0) lowestAsk = rung;
    let count = 0;
    let quantity = 0;
    let previous = NO_SLOT;
    for (let slot = levels.head[level]!; slot !== NO_SLOT; slot = r[slot + R_NEXT]!) {
      count++;
      quantity += r[slot + R_REM]!;
      if (previous !== NO_SLOT && r[slot + R_PREV] !== previous)
        problems.push(`order ${r[slot + R_ID]} has a broken prev link`);
      if (stateOf(r[slot + R_FLAGS]!) !== RESTING) problems.push(`order ${r[slot + R_ID]} is misfiled`);
      if (sideOf(r[slot + R_FLAGS]!) !== side) problems.push(`order ${r[slot + R_ID]} rests on the wrong side`);
      if (r[slot + R_TICK] !== rung + ladder.base) problems.push(`order ${r[slot + R_ID]} rests at the wrong price`);
      if (!(r[slot + R_REM]! > 0 && r[slot + R_REM]! <= r[slot + R_QTY]!)) {
        problems.push(`order ${r[slot + R_ID]} has remaining ${r[slot + R_REM]} of ${r[slot + R_QTY]}`);
      }
      if (book.index.get(r[slot + R_ID]!) !== slot) problems.push(`order ${r[slot + R_ID]} is not indexed`);
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
  const crossed = highestBid >= 0 && lowestAsk >= 0 && highestBid >= lowestAsk;
  if (crossed && !book.auction) problems.push('the book is crossed outside an auction');
  for (const [isBuy, list] of [
    [true, book.stops.buys],
    [false, book.stops.sells],
  ] as const) {
    for (let i = 0; i < list.length; i++) {
      const slot = list[i]!;
      if (stateOf(r[slot + R_FLAGS]!) !== WAITING_STOP || (sideOf(r[slot + R_FLAGS]!) === BUY) !== isBuy)
        problems.push(`stop ${r[slot + R_ID]} is misfiled`);
      if (book.index.get(r[slot + R_ID]!) !== slot) problems.push(`stop ${r[slot + R_ID]} is not indexed`);
      const next = list[i + 1];
      if (next === undefined) continue;
      const [a, b] = [s[(slot >> 1) + S_STOP]!, s[(next >> 1) + S_STOP]!];
      const ordered = a === b ? s[(slot >> 1) + S_SEQ]! < s[(next >> 1) + S_SEQ]! : isBuy ? a < b : a > b;
      if (!ordered) problems.push(`stops ${r[slot + R_ID]} and ${r[next + R_ID]} are out of trigger order`);
    }
  }
  const trailing = [...book.stops.buys, ...book.stops.sells].filter((slot) => s[(slot >> 1) + S_TRAIL]! > 0).length;
  if (trailing !== book.stops.trailing) problems.push(`trailing stop count ${book.stops.trailing}, has ${trailing}`);
  if (resting + book.stops.size !== orders.live)
    problems.push(`${orders.live} live orders, ${resting + book.stops.size} filed`);
  if (book.index.size !== orders.live) problems.push(`${orders.live} live orders, ${book.index.size} indexed`);
  return problems;
}
