import type { CancelRequestReason } from '@bolsa/contracts';

export interface PlacementMemorySnapshot {
  /** The newest placement timestamp the book has seen: the window ends there. */
  readonly latestTimestamp: number;
  readonly orderIds: string[];
  readonly timestamps: number[];
  /**
   * Orders cancelled before their placement arrived, as [orderId, accountId, timestamp], with the cancel's reason
   * after them unless it is `requested`; absent in older ones.
   */
  readonly cancelledFirst?: ([string, string, number] | [string, string, number, CancelRequestReason])[];
}

/**
 * The order ids placed within the last `windowMs` of placement time, oldest first, so that a placement sent again
 * (the API re-sends orders it cannot tell were delivered) is recognised. Deterministic: time is the commands'
 * own timestamps, never a clock.
 */
export class PlacementMemory {
  latestTimestamp = 0;
  private readonly remembered = new Set<string>();
  private orderIds: string[] = [];
  private timestamps: number[] = [];
  private oldest = 0;
  /**
   * Cancels that came before their order's placement, by order id: a placement re-sent after its sender died can
   * reach the book after its owner cancelled it (through another process), and must then not go live. Kept as long
   * as a placement recorded before the cancel could still be taken. In order of arrival, so expiring them stops at
   * the first one still inside the window.
   */
  private readonly cancelledFirst = new Map<
    string,
    { accountId: string; timestamp: number; reason: CancelRequestReason }
  >();

  constructor(
    private readonly windowMs: number,
    snapshot?: PlacementMemorySnapshot,
  ) {
    if (snapshot === undefined) return;
    this.latestTimestamp = snapshot.latestTimestamp;
    for (let i = 0; i < snapshot.orderIds.length; i++) this.remember(snapshot.orderIds[i]!, snapshot.timestamps[i]!);
    for (const [orderId, accountId, timestamp, reason = 'requested'] of snapshot.cancelledFirst ?? []) {
      this.cancelledFirst.set(orderId, { accountId, timestamp, reason });
    }
  }

  /** Moves the window's end to a command's timestamp and forgets what fell out of it. */
  advance(timestamp: number): void {
    if (timestamp <= this.latestTimestamp) return;
    this.latestTimestamp = timestamp;
    const start = timestamp - this.windowMs;
    while (this.oldest < this.orderIds.length && this.timestamps[this.oldest]! < start) {
      this.remembered.delete(this.orderIds[this.oldest++]!);
    }
    if (this.oldest > 1024 && this.oldest * 2 > this.orderIds.length) {
      this.orderIds = this.orderIds.slice(this.oldest);
      this.timestamps = this.timestamps.slice(this.oldest);
      this.oldest = 0;
    }
    for (const [orderId, cancel] of this.cancelledFirst) {
      if (cancel.timestamp >= start) break;
      this.cancelledFirst.delete(orderId);
    }
  }

  /** Whether a command this old may be a re-send of something already forgotten. */
  isStale(timestamp: number): boolean {
    return timestamp < this.latestTimestamp - this.windowMs;
  }

  has(orderId: string): boolean {
    return this.remembered.has(orderId);
  }

  remember(orderId: string, timestamp: number): void {
    this.remembered.add(orderId);
    this.orderIds.push(orderId);
    this.timestamps.push(timestamp);
  }

  /**
   * A cancel named an order this book has not placed in the window: remembers it against the placement that may
   * still come. Stamped with the cancel's own time, or the window's end if that is later: the order was recorded
   * before its owner could cancel it, so once the window has moved this far past the cancel, its placement would
   * be stale anyway.
   */
  cancelBeforePlacement(orderId: string, accountId: string, timestamp: number, reason: CancelRequestReason): void {
    this.cancelledFirst.delete(orderId);
    this.cancelledFirst.set(orderId, { accountId, timestamp: Math.max(timestamp, this.latestTimestamp), reason });
  }

  /** The reason of the owner's cancel if it came before this order's placement (used up), or null. */
  takeCancelBeforePlacement(orderId: string, accountId: string): CancelRequestReason | null {
    const cancel = this.cancelledFirst.get(orderId);
    if (cancel?.accountId !== accountId) return null;
    this.cancelledFirst.delete(orderId);
    return cancel.reason;
  }

  /** How many cancels wait for their placements. */
  get cancelsWaiting(): number {
    return this.cancelledFirst.size;
  }

  get size(): number {
    return this.remembered.size;
  }

  snapshot(): PlacementMemorySnapshot {
    return {
      latestTimestamp: this.latestTimestamp,
      orderIds: this.orderIds.slice(this.oldest),
      timestamps: this.timestamps.slice(this.oldest),
      cancelledFirst: [...this.cancelledFirst].map(([orderId, { accountId, timestamp, reason }]) =>
        reason === 'requested' ? [orderId, accountId, timestamp] : [orderId, accountId, timestamp, reason],
      ),
    };
  }

  problems(): string[] {
    const listed = this.orderIds.length - this.oldest;
    return listed === this.remembered.size ? [] : [`${listed} placements listed, ${this.remembered.size} remembered`];
  }
}
