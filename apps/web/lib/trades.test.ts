import type { TradeView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { addTrades, tapeColour, tapeSide, tapeText } from './trades';

const trade = (n: number): TradeView => ({
  tradeId: `PETR4-${n}`,
  symbol: 'PETR4',
  price: '35.00',
  quantity: '1',
  aggressorSide: n % 2 === 0 ? 'buy' : 'sell',
  executedAt: new Date(1_700_000_000_000 + n).toISOString(),
  sequence: n,
});

describe('time & sales', () => {
  it('puts the newest first, keeps each trade once and at most the limit', () => {
    let list = addTrades([], [trade(1), trade(2)]);
    expect(list.map((t) => t.sequence)).toEqual([2, 1]);
    list = addTrades(list, [trade(2), trade(3), trade(4)], 3);
    expect(list.map((t) => t.sequence)).toEqual([4, 3, 2]);
  });

  it('returns the same list when nothing arrived', () => {
    const list = [trade(1)];
    expect(addTrades(list, [])).toBe(list);
  });
});

describe('the tape', () => {
  it("shows an auction's trade as the auction's, whatever side was left over, and others by their aggressor", () => {
    expect([tapeSide(trade(2)), tapeText(trade(2)), tapeColour(trade(2))]).toEqual(['buy', 'compra', 'text-buy']);
    expect([tapeSide(trade(1)), tapeText(trade(1)), tapeColour(trade(1))]).toEqual(['sell', 'venda', 'text-sell']);
    const uncross = { ...trade(2), auction: true };
    expect([tapeSide(uncross), tapeText(uncross), tapeColour(uncross)]).toEqual(['auction', 'leilão', 'text-sky-300']);
    // An older server's trades have no flag: continuous ones.
    expect(tapeSide({ ...trade(1), auction: false })).toBe('sell');
  });
});
