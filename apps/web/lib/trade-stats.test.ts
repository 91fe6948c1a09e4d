import type { TradeView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { foldStats, tradesPerSecond } from './trade-stats';

const trade = (symbol: string, price: string, quantity: string): TradeView => ({
  tradeId: `${symbol}-${price}-${quantity}`,
  symbol,
  price,
  quantity,
  aggressorSide: 'buy',
  executedAt: new Date(0).toISOString(),
  sequence: 1,
});

describe('the admin panel figures', () => {
  it('counts trades per second over the window', () => {
    expect(tradesPerSecond([10_000, 9_500, 1_000, 100], 10_500, 1_000)).toBe(2);
    expect(tradesPerSecond([], 0)).toBe(0);
  });

  it('folds trades into per-instrument count, volume and last price', () => {
    const stats = foldStats(new Map(), [
      trade('PETR4', '35.00', '10'),
      trade('VALE3', '60.00', '1'),
      trade('PETR4', '35.10', '5'),
    ]);
    expect(stats.get('PETR4')).toEqual({ symbol: 'PETR4', last: '35.10', trades: 2, volume: 15 });
    expect(stats.get('VALE3')?.trades).toBe(1);
  });
});
