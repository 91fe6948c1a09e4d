import type { MyTradeView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { summarizeFills } from './fills';

const fill = (quantity: string, price: string, fee: string) =>
  ({ quantity, price, notional: (Number(quantity) * Number(price)).toFixed(2), fee }) as MyTradeView;

describe('summarizeFills', () => {
  it("weighs each fill's price by its shares, and adds up the totals and fees", () => {
    // 30 × 40.00 + 10 × 40.10 = 1,601.00 for 40 shares: 40.025, shown as 40.03.
    expect(summarizeFills([fill('30', '40.00', '0.36'), fill('10', '40.10', '0.12')])).toEqual({
      quantity: 40,
      notional: 160_100,
      fees: 48,
      averagePrice: 4003,
    });
  });

  it('has no average price before the first fill', () => {
    expect(summarizeFills([])).toEqual({ quantity: 0, notional: 0, fees: 0, averagePrice: null });
  });
});
