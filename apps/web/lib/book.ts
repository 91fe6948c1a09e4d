import type { BookView, LevelDeltaView, OrderView } from '@bolsa/contracts';
import { auctionUncross, type AuctionUncross } from '@bolsa/order-book/auction-price';
import { centsOf } from './format';

/** One price level as the screen shows it. */
export interface Level {
  readonly price: string;
  readonly cents: number;
  readonly quantity: number;
  readonly orderCount: number;
}

/** The L2 book: a snapshot plus the deltas after it, keyed by price in cents. */
export interface BookState {
  readonly sequence: number;
  readonly bids: ReadonlyMap<number, Level>;
  readonly asks: ReadonlyMap<number, Level>;
}

export const EMPTY_BOOK: BookState = { sequence: 0, bids: new Map(), asks: new Map() };

function level(price: string, quantity: string, orderCount: number): [number, Level] {
  const cents = centsOf(price) ?? 0;
  return [cents, { price, cents, quantity: Number(quantity), orderCount }];
}

export function bookFromSnapshot(view: BookView): BookState {
  return {
    sequence: view.sequence,
    bids: new Map(view.bids.map((l) => level(l.price, l.quantity, l.orderCount))),
    asks: new Map(view.asks.map((l) => level(l.price, l.quantity, l.orderCount))),
  };
}

/**
 * Applies level deltas in one go (a frame's worth). A delta the snapshot already includes (its sequence is not
 * above the book's) is skipped, so deltas that arrived while the snapshot loaded can be replayed safely.
 */
export function applyLevelDeltas(state: BookState, deltas: readonly LevelDeltaView[]): BookState {
  const fresh = deltas.filter((delta) => delta.sequence > state.sequence);
  if (fresh.length === 0) return state;
  const bids = new Map(state.bids);
  const asks = new Map(state.asks);
  let sequence = state.sequence;
  for (const delta of fresh) {
    const side = delta.side === 'buy' ? bids : asks;
    const [cents, next] = level(delta.price, delta.quantity, delta.orderCount);
    if (next.quantity === 0) side.delete(cents);
    else side.set(cents, next);
    sequence = Math.max(sequence, delta.sequence);
  }
  return { sequence, bids, asks };
}

export interface BookLadder {
  readonly bids: Level[];
  readonly asks: Level[];
  /** Best ask − best bid, in cents; null when a side is empty. */
  readonly spread: number | null;
  /** The largest level shown, for the depth bars. */
  readonly maxQuantity: number;
  /**
   * A crossed book (the pre-opening call auction): the price it would open at and how much would trade there, in
   * cents and shares, as the exchange's books decide it; null when the book does not cross.
   */
  readonly uncross: AuctionUncross | null;
}

/**
 * The best `depth` levels of each side: bids high to low, asks low to high. A crossed book's opening price counts
 * every level it has, and breaks its last tie by `referenceCents` (the last trade's price, or the instrument's
 * reference before the first, as the engine does; 0 for none).
 */
export function ladder(state: BookState, depth: number, referenceCents = 0): BookLadder {
  const allBids = [...state.bids.values()].sort((a, b) => b.cents - a.cents);
  const allAsks = [...state.asks.values()].sort((a, b) => a.cents - b.cents);
  const bids = allBids.slice(0, depth);
  const asks = allAsks.slice(0, depth);
  const maxQuantity = Math.max(1, ...bids.map((l) => l.quantity), ...asks.map((l) => l.quantity));
  const spread = bids[0] !== undefined && asks[0] !== undefined ? asks[0].cents - bids[0].cents : null;
  const inCents = (levels: Level[]) => levels.map((l) => ({ price: l.cents, quantity: l.quantity }));
  const uncross =
    spread !== null && spread <= 0 ? auctionUncross(inCents(allBids), inCents(allAsks), referenceCents) : null;
  return { bids, asks, spread, maxQuantity, uncross };
}

/** Where the trader's own orders rest: `side:cents` → their unfilled quantity at that price. */
export type OwnLevels = ReadonlyMap<string, number>;

export const ownLevelKey = (side: 'buy' | 'sell', cents: number): string => `${side}:${cents}`;

/**
 * The trader's orders of `symbol` that rest in the book: open or partly filled, with a price, and not a stop still
 * waiting to fire (it is not in the book until it does).
 */
export function ownLevels(orders: readonly OrderView[], symbol: string): OwnLevels {
  const levels = new Map<string, number>();
  for (const order of orders) {
    const cents = centsOf(order.price);
    const waitingStop = order.stopPrice !== null && order.triggeredAt === null;
    const resting = order.status === 'open' || order.status === 'partially_filled';
    if (order.symbol !== symbol || cents === null || waitingStop || !resting) continue;
    const key = ownLevelKey(order.side, cents);
    levels.set(key, (levels.get(key) ?? 0) + Number(order.quantity) - Number(order.filledQuantity));
  }
  return levels;
}
