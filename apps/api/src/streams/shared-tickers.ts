import type { TickerView } from '@bolsa/contracts';

/**
 * One ticker read per symbol and trade, however many market streams show it: a stream asks for the ticker "as of"
 * the trade it is rendering, and gets the read another stream started for that trade or a later one. (Each read
 * costs a statement; a thousand browsers on one symbol would otherwise make a thousand a second.)
 */
export class SharedTickers {
  private readonly latest = new Map<string, { sequence: number; view: Promise<TickerView> }>();

  constructor(private readonly read: (symbol: string) => Promise<TickerView>) {}

  /** The ticker read after the trade with this sequence was stored. */
  after(symbol: string, sequence: number): Promise<TickerView> {
    const shared = this.latest.get(symbol);
    if (shared !== undefined && shared.sequence >= sequence) return shared.view;
    const view = this.read(symbol);
    this.latest.set(symbol, { sequence, view });
    // A failed read is not handed to the next stream: that one reads again.
    view.catch(() => {
      if (this.latest.get(symbol)?.view === view) this.latest.delete(symbol);
    });
    return view;
  }
}
