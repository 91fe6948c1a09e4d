import { parseCashAmount, parseQuantity, type WalletView } from '@bolsa/contracts';

/**
 * What a bot can offer without being refused for want of it: its free shares of each symbol and its free cash, as
 * its wallet last said, less what it has offered since. The wallet is read again only while none of the bot's
 * requests is on the way, so a reading already counts every hold the bot has taken: the estimate never exceeds
 * what the exchange holds free for it. What comes free later (a buy filled, a quote cancelled) counts from the next
 * reading.
 */
export class Inventory {
  private shares = new Map<string, number>();
  private cashCents = 0;
  private readAt = Number.NEGATIVE_INFINITY;
  private onTheWay = 0;
  private readInProgress = false;

  /** Whether the wallet is due to be read: its last reading is `everyMs` old and nothing is on the way. */
  due(now: number, everyMs: number): boolean {
    return !this.readInProgress && this.onTheWay === 0 && now - this.readAt >= everyMs;
  }

  /** While the wallet is being read the bot sends nothing: what it sent then might be missing from the reading. */
  get isReading(): boolean {
    return this.readInProgress;
  }

  /** Reads the wallet with `read` (null: it could not be read, and the estimate stays as it was). */
  async refresh(now: number, read: () => Promise<WalletView | null>): Promise<void> {
    this.readInProgress = true;
    this.readAt = now;
    try {
      const wallet = await read();
      if (wallet !== null) this.load(wallet);
    } finally {
      this.readInProgress = false;
    }
  }

  /** Up to `wanted` of the free shares of `symbol`, taken off them: 0 when none are free or the wallet is being read. */
  takeShares(symbol: string, wanted: number): number {
    if (this.readInProgress) return 0;
    const taken = Math.min(wanted, this.shares.get(symbol) ?? 0);
    if (taken > 0) this.shares.set(symbol, this.shares.get(symbol)! - taken);
    return taken;
  }

  /** Takes `cents` off the free cash if that much is free (and the wallet is not being read). */
  takeCash(cents: number): boolean {
    if (this.readInProgress || cents > this.cashCents) return false;
    this.cashCents -= cents;
    return true;
  }

  /** Cash that is free for certain now: a deposit the exchange has answered. */
  addCash(cents: number): void {
    this.cashCents += cents;
  }

  /** Runs one of the bot's requests; while any is on the way the wallet is not read. */
  async send<T>(request: () => Promise<T>): Promise<T> {
    this.onTheWay++;
    try {
      return await request();
    } finally {
      this.onTheWay--;
    }
  }

  private load(wallet: WalletView): void {
    const cash = parseCashAmount(wallet.cash.available);
    this.cashCents = cash.ok ? cash.value : 0;
    this.shares = new Map();
    for (const position of wallet.positions) {
      const free = parseQuantity(position.available, 1);
      if (free.ok) this.shares.set(position.symbol, free.value);
    }
  }
}
