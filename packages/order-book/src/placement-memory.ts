export interface PlacementMemorySnapshot {
  /** The newest placement timestamp the book has seen: the window ends there. */
  readonly latestTimestamp: number;
  readonly orderIds: string[];
  readonly timestamps: number[];
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

  constructor(
    private readonly windowMs: number,
    snapshot?: PlacementMemorySnapshot,
  ) {
    if (snapshot === undefined) return;
    this.latestTimestamp = snapshot.latestTimestamp;
    for (let i = 0; i < snapshot.orderIds.length; i++) this.remember(snapshot.orderIds[i]!, snapshot.timestamps[i]!);
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

  get size(): number {
    return this.remembered.size;
  }

  snapshot(): PlacementMemorySnapshot {
    return {
      latestTimestamp: this.latestTimestamp,
      orderIds: this.orderIds.slice(this.oldest),
      timestamps: this.timestamps.slice(this.oldest),
    };
  }

  problems(): string[] {
    const listed = this.orderIds.length - this.oldest;
    return listed === this.remembered.size ? [] : [`${listed} placements listed, ${this.remembered.size} remembered`];
  }
}
