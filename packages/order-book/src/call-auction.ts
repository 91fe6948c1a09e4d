import {
  BUY,
  STP_CANCEL_NEWEST,
  STP_CANCEL_OLDEST,
  STP_DECREMENT_AND_CANCEL,
  STP_NONE,
  type SideCode,
} from './codes.js';
import type { OrderBook } from './order-book.js';
import { R_ACCOUNT, R_FLAGS, R_ID, R_QTY, R_REM, selfTradeOf } from './order-pool.js';

/**
 * The call auction's uncross, one price at a time: trades the best bid against the best ask at `tick` while both
 * reach it, the `aggressor` side's order as the taker; whether anything traded. Cold code, out of `OrderBook` so
 * that the book's continuous trading reads in one sitting.
 */
export function crossAt(book: OrderBook, tick: number, aggressor: SideCode): boolean {
  const r = book.orders.records;
  const ladder = book.ladder;
  const price = tick * book.tick;
  let traded = false;
  while (ladder.bestBid >= 0 && ladder.bestAsk >= 0) {
    if (ladder.bestBid + ladder.base < tick || ladder.bestAsk + ladder.base > tick) break;
    const bidLevel = ladder.bidSlots[ladder.bestBid]! - 1;
    const askLevel = ladder.askSlots[ladder.bestAsk]! - 1;
    const [takerLevel, makerLevel] = aggressor === BUY ? [bidLevel, askLevel] : [askLevel, bidLevel];
    const taker = book.levels.head[takerLevel]!;
    const maker = book.levels.head[makerLevel]!;
    const mode = selfTradeOf(r[taker + R_FLAGS]!);
    if (mode !== STP_NONE && r[taker + R_ACCOUNT] === r[maker + R_ACCOUNT]) {
      preventSelfTradeResting(book, mode, taker, takerLevel, maker, makerLevel);
    } else {
      const quantity = Math.min(r[taker + R_REM]!, r[maker + R_REM]!);
      book.lastPrice = price;
      traded = true;
      book.events.trade(
        ++book.trades,
        price,
        quantity,
        aggressor,
        r[maker + R_ID]!,
        r[maker + R_ACCOUNT]!,
        r[taker + R_ID]!,
        r[taker + R_ACCOUNT]!,
        true,
      );
      fillResting(book, maker, makerLevel, quantity);
      fillResting(book, taker, takerLevel, quantity);
    }
    book.resting.settle(makerLevel);
    book.resting.settle(takerLevel);
  }
  return traded;
}

/** A resting order's fill in the uncross: done and out of its level, or partly filled. */
function fillResting(book: OrderBook, slot: number, level: number, quantity: number): void {
  const r = book.orders.records;
  if (quantity === r[slot + R_REM]!) {
    book.resting.unlink(slot, level);
    book.events.filled(r[slot + R_ID]!, r[slot + R_QTY]!);
    book.discard(slot);
    return;
  }
  r[slot + R_REM] = r[slot + R_REM]! - quantity;
  book.levels.quantity[level] = book.levels.quantity[level]! - quantity;
  book.announce(slot, 'partially_filled');
}

/** Self-trade prevention between two resting orders, the taker's mode deciding, as a taker's would. */
function preventSelfTradeResting(
  book: OrderBook,
  mode: number,
  taker: number,
  takerLevel: number,
  maker: number,
  makerLevel: number,
): void {
  const r = book.orders.records;
  if (mode !== STP_DECREMENT_AND_CANCEL) {
    if (mode !== STP_CANCEL_NEWEST) book.removeResting(maker, makerLevel, 'self_trade_prevention');
    if (mode !== STP_CANCEL_OLDEST) book.removeResting(taker, takerLevel, 'self_trade_prevention');
    return;
  }
  const cut = Math.min(r[taker + R_REM]!, r[maker + R_REM]!);
  for (const [slot, level] of [
    [maker, makerLevel],
    [taker, takerLevel],
  ] as const) {
    if (cut === r[slot + R_REM]!) book.removeResting(slot, level, 'self_trade_prevention');
    else book.decrement(slot, cut, level);
  }
}
