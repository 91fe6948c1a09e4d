/**
 * Counts failed logins per key (an email, a client address) in a fixed window. In memory, so each API process
 * limits on its own; a deployment with N processes allows at most N times the limit, still far from brute force.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; windowEnds: number }>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the key may try again, or 0 when it may try now. */
  retryAfterMs(key: string): number {
    const entry = this.failures.get(key);
    if (entry === undefined) return 0;
    const left = entry.windowEnds - this.now();
    if (left <= 0) {
      this.failures.delete(key);
      return 0;
    }
    return entry.count >= this.maxFailures ? left : 0;
  }

  recordFailure(key: string): void {
    const now = this.now();
    const entry = this.failures.get(key);
    if (entry === undefined || entry.windowEnds <= now) {
      if (this.failures.size > 100_000) this.sweep(now);
      this.failures.set(key, { count: 1, windowEnds: now + this.windowMs });
    } else {
      entry.count++;
    }
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.failures) if (entry.windowEnds <= now) this.failures.delete(key);
  }
}
