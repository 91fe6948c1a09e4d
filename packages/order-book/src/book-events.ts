import type { CancelReason, OrderChange, RejectReason } from '@bolsa/contracts';
import type { SideCode } from './codes.js';

/**
 * What the book tells the world. Arguments are plain numbers and constant strings so that emitting an event
 * allocates nothing; prices are cents, 0 meaning "none".
 */
export interface BookEvents {
  accepted(orderId: number): void;
  rejected(orderId: number, reason: RejectReason): void;
  trade(
    tradeNumber: number,
    price: number,
    quantity: number,
    aggressorSide: SideCode,
    makerId: number,
    makerAccount: number,
    takerId: number,
    takerAccount: number,
    /** A trade of a call auction's uncross (at its one price), not of continuous matching. */
    auction: boolean,
  ): void;
  updated(
    orderId: number,
    change: OrderChange,
    price: number,
    stopPrice: number,
    quantity: number,
    remaining: number,
  ): void;
  filled(orderId: number, quantity: number): void;
  cancelled(orderId: number, reason: CancelReason, filled: number, cancelled: number): void;
  expired(orderId: number, filled: number, expired: number): void;
  stopTriggered(orderId: number, stopPrice: number, lastTradePrice: number): void;
  levelChanged(side: SideCode, price: number, quantity: number, orderCount: number): void;
  /**
   * An order would have traded at `price`, beyond the volatility tunnel around `referencePrice`: it stopped at the
   * tunnel and the book is now in a call auction, which the caller ends (`uncross`).
   */
  volatilityAuction(referencePrice: number, price: number): void;
}
