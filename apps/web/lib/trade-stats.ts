import type { TradeView } from '@bolsa/contracts';

export interface InstrumentStats {
  readonly symbol: string;
  readonly last: string;
  readonly trades: number;
  readonly volume: number;
}

/** Trades per second over the last `windowMs` (by arrival time, newest first in `arrivals`). */
export function tradesPerSecond(arrivals: readonly number[], now: number, windowMs = 10_000): number {
  const recent = arrivals.filter((at) => now - at <= windowMs).length;
  return recent / (windowMs / 1000);
}

/** Per-instrument counts, volume and last price of the trades seen, folded in arrival order. */
export function foldStats(
  current: ReadonlyMap<string, InstrumentStats>,
  trades: readonly TradeView[],
): Map<string, InstrumentStats> {
  const next = new Map(current);
  for (const trade of trades) {
    const before = next.get(trade.symbol);
    next.set(trade.symbol, {
      symbol: trade.symbol,
      last: trade.price,
      trades: (before?.trades ?? 0) + 1,
      volume: (before?.volume ?? 0) + Number(trade.quantity),
    });
  }
  return next;
}
