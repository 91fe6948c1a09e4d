import type { InstrumentView, TickerView, WalletView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { markPrices, valuePortfolio } from './portfolio';
import { tickerWith } from './ticker-fixture';

const instrument = (symbol: string, referencePrice: string | null): InstrumentView => ({
  symbol,
  name: symbol,
  currency: 'BRL',
  tickSize: '0.01',
  lotSize: '1',
  priceBand: null,
  referencePrice,
});
const ticker = (symbol: string, last: string | null): TickerView => tickerWith({ symbol, last });
const position = (symbol: string, total: string, costBasis: string, held = '0') => ({
  symbol,
  available: String(Number(total) - Number(held)),
  held,
  total,
  costBasis,
  averageCost: total === '0' ? null : (Number(costBasis) / Number(total)).toFixed(2),
});

describe('markPrices', () => {
  it('takes the last trade, else the reference price, else nothing', () => {
    const prices = markPrices(
      [instrument('PETR4', '38.00'), instrument('VALE3', '62.00'), instrument('ABEV3', null)],
      new Map([
        ['PETR4', ticker('PETR4', '40.10')],
        ['ABEV3', ticker('ABEV3', null)],
      ]),
    );
    expect(Object.fromEntries(prices)).toEqual({ PETR4: 4010, VALE3: 6200 });
  });
});

describe('valuePortfolio', () => {
  const wallet: WalletView = {
    currency: 'BRL',
    cash: { available: '900.00', held: '100.50', total: '1000.50' },
    positions: [
      position('PETR4', '10', '380.00', '4'),
      position('VALE3', '3', '0.00'),
      position('ABEV3', '5', '60.00'),
      position('ITUB4', '0', '0.00'),
    ],
  };

  it('values positions at their price, sums cash and positions, and leaves out what has no price', () => {
    const portfolio = valuePortfolio(
      wallet,
      new Map([
        ['PETR4', 4010],
        ['VALE3', 6200],
        ['ITUB4', 3300],
      ]),
    );
    expect(portfolio.positions.map((p) => [p.symbol, p.shares, p.held, p.valueCents, p.profitCents])).toEqual([
      ['PETR4', 10, 4, 40_100, 2_100],
      // granted without a cost: its value is shown, but no profit
      ['VALE3', 3, 0, 18_600, null],
      ['ABEV3', 5, 0, null, null],
      ['ITUB4', 0, 0, 0, null],
    ]);
    expect(portfolio.cashCents).toBe(100_050);
    expect(portfolio.positionsCents).toBe(58_700);
    expect(portfolio.equityCents).toBe(158_750);
    expect(portfolio.profitCents).toBe(2_100);
    expect(portfolio.unpriced).toEqual(['ABEV3']);
  });

  it('reports a loss as a negative profit', () => {
    const portfolio = valuePortfolio(wallet, new Map([['PETR4', 3500]]));
    expect(portfolio.positions[0]?.profitCents).toBe(-3_000);
    expect(portfolio.profitCents).toBe(-3_000);
  });
});
