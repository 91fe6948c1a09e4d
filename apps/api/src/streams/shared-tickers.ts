import type { TickerView } from '@bolsa/contracts';

/**
 * One ticker read per symbol and trade, however many market streams show it: a stream asks for the ticker "as of"
 * the trade it is rendering, and gets the read another stream started for that trade or a later one. (Each read
 * costs a statement; a thousand browsers on one symbol would otherwise make a thousand a second.) Likewise one read
 * per symbol for a notice that every ticker is stale (a close of the day, a halt), whichever stream asks first.
 */
export class SharedTickers {
  private readonly afterTrade = new Map<string, { after: number; view: Promise<TickerView> }>();
  private readonly afterNotice = new Map<string, { after: number; view: Promise<TickerView> }>();

  constructor(private readonly read: (symbol: string) => Promise<TickerView>) {}

  /** The ticker read after the trade with this sequence was stored. */
  after(symbol: string, sequence: number): Promise<TickerView> {
    return this.shared(this.afterTrade, symbol, sequence);
  }

  /** The ticker read after the notice with this number (numbered in the order they came) made it stale. */
  afresh(symbol: string, notice: number): Promise<TickerView> {
    return this.shared(this.afterNotice, symbol, notice);
  }

  private shared(
    reads: Map<string, { after: number; view: Promise<TickerView> }>,
    symbol: string,
    after: number,
  ): Promise<TickerView> {
    const shared = reads.get(symbol);
    if (shared !== undefined && shared.after >= after) return shared.view;
    const view = this.read(symbol);
    reads.set(symbol, { after, view });
    // A failed read is not handed to the next stream: that one reads again.
    view.catch(() => {
      if (reads.get(symbol)?.view === view) reads.delete(symbol);
    });
    return view;
  }
}
