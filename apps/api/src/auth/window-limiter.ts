/**
 * Counts what a key does (an account's order commands, its alert changes) in a fixed window, and says how long a key
 * past its limit waits. In memory, so each API process limits on its own: a deployment with N processes allows at most
 * N times the limit. (Failed logins, a guesser's limit, are counted in PostgreSQL instead: `LoginThrottle`.)
 */
export class WindowLimiter {
  private readonly counts = new Map<string, { count: number; windowEnds: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the key may try again, or 0 when it may try now. */
  retryAfterMs(key: string): number {
    const entry = this.counts.get(key);
    if (entry === undefined) return 0;
    const left = entry.windowEnds - this.now();
    if (left <= 0) {
      this.counts.delete(key);
      return 0;
    }
    return entry.count >= this.limit ? left : 0;
  }

  /**
   * For what is let through only within the limit (an order, an alert's change): counts the key and answers 0 when it
   * may go on, or the milliseconds until it may, counting nothing.
   */
  admit(key: string): number {
    const wait = this.retryAfterMs(key);
    if (wait === 0) this.record(key);
    return wait;
  }

  record(key: string): void {
    const now = this.now();
    const entry = this.counts.get(key);
    if (entry === undefined || entry.windowEnds <= now) {
      if (this.counts.size > 100_000) this.sweep(now);
      this.counts.set(key, { count: 1, windowEnds: now + this.windowMs });
    } else {
      entry.count++;
    }
  }

  reset(key: string): void {
    this.counts.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.counts) if (entry.windowEnds <= now) this.counts.delete(key);
  }
}
