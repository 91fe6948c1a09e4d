import type { InstrumentView, TickerView, WalletView } from '@bolsa/contracts';
import { centsOf } from './format';

/** A share's price for valuing positions, in cents: the last trade's, else the exchange's reference price. */
export function markPrices(
  instruments: readonly InstrumentView[],
  tickers: ReadonlyMap<string, TickerView>,
): Map<string, number> {
  const prices = new Map<string, number>();
  for (const instrument of instruments) {
    const price = centsOf(tickers.get(instrument.symbol)?.last) ?? centsOf(instrument.referencePrice);
    if (price !== null) prices.set(instrument.symbol, price);
  }
  for (const [symbol, ticker] of tickers) {
    const last = centsOf(ticker.last);
    if (last !== null) prices.set(symbol, last);
  }
  return prices;
}

export interface PositionValue {
  readonly symbol: string;
  readonly shares: number;
  readonly held: number;
  /** What the shares cost, fees included; 0 for shares granted without a reference price. */
  readonly costCents: number;
  readonly averageCost: string | null;
  readonly valueCents: number | null;
  /** Value less cost; null without a price, or when the shares cost nothing (it would only repeat the value). */
  readonly profitCents: number | null;
}

export interface Portfolio {
  readonly cashCents: number;
  readonly positions: readonly PositionValue[];
  /** The positions with a price, at that price. */
  readonly positionsCents: number;
  /** Cash (available and held) plus the positions with a price. */
  readonly equityCents: number;
  /** Profit or loss of the positions that have both a price and a cost. */
  readonly profitCents: number;
  /** Positions left out of the totals for want of a price. */
  readonly unpriced: readonly string[];
}

/** The wallet at market: each position's value and profit, and the account's total. */
export function valuePortfolio(wallet: WalletView, prices: ReadonlyMap<string, number>): Portfolio {
  const positions = wallet.positions.map((position): PositionValue => {
    const shares = Number(position.total);
    const price = prices.get(position.symbol);
    const valueCents = price === undefined ? null : price * shares;
    const costCents = centsOf(position.costBasis) ?? 0;
    return {
      symbol: position.symbol,
      shares,
      held: Number(position.held),
      costCents,
      averageCost: position.averageCost,
      valueCents,
      profitCents: valueCents === null || costCents === 0 ? null : valueCents - costCents,
    };
  });
  const cashCents = centsOf(wallet.cash.total) ?? 0;
  const positionsCents = positions.reduce((sum, p) => sum + (p.valueCents ?? 0), 0);
  return {
    cashCents,
    positions,
    positionsCents,
    equityCents: cashCents + positionsCents,
    profitCents: positions.reduce((sum, p) => sum + (p.profitCents ?? 0), 0),
    unpriced: positions.filter((p) => p.valueCents === null && p.shares !== 0).map((p) => p.symbol),
  };
}
