import type { TickerView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { SharedTickers } from './shared-tickers.js';

const view = (symbol: string, trades: number): TickerView => ({
  symbol,
  last: '1.00',
  previousClose: '1.00',
  open: '1.00',
  change: '0.00',
  changePercent: '0.00',
  high: '1.00',
  low: '1.00',
  volume: String(trades),
  trades,
  halted: false,
});

describe('SharedTickers', () => {
  it('reads once per symbol for streams rendering the same trade or an earlier one', async () => {
    const reads: string[] = [];
    const tickers = new SharedTickers((symbol) => {
      reads.push(symbol);
      return Promise.resolve(view(symbol, reads.length));
    });
    const first = await Promise.all([tickers.after('PETR4', 7), tickers.after('PETR4', 7), tickers.after('PETR4', 5)]);
    expect(first.map((t) => t.trades)).toEqual([1, 1, 1]);
    expect((await tickers.after('VALE3', 7)).trades).toBe(2);
    expect((await tickers.after('PETR4', 8)).trades).toBe(3);
    expect(reads).toEqual(['PETR4', 'VALE3', 'PETR4']);
  });

  it('reads again after a failed read instead of sharing the failure', async () => {
    let fail = true;
    const tickers = new SharedTickers((symbol) =>
      fail ? Promise.reject(new Error('database gone')) : Promise.resolve(view(symbol, 1)),
    );
    await expect(tickers.after('PETR4', 3)).rejects.toMatchObject({
      message: expect.stringContaining('database gone'),
    });
    fail = false;
    await expect(tickers.after('PETR4', 3)).resolves.toMatchObject({ trades: 1 });
  });

  it('reads once per symbol and notice, apart from the reads after trades', async () => {
    const reads: string[] = [];
    const tickers = new SharedTickers((symbol) => {
      reads.push(symbol);
      return Promise.resolve(view(symbol, reads.length));
    });
    await tickers.after('PETR4', 9);
    // The first notice: every stream asking for it shares one read per symbol, however late it asks.
    const first = await Promise.all([
      tickers.afresh('PETR4', 1),
      tickers.afresh('PETR4', 1),
      tickers.afresh('VALE3', 1),
    ]);
    expect(first.map((t) => t.trades)).toEqual([2, 2, 3]);
    // A read after a later trade is not one after the notice, nor the other way round.
    expect((await tickers.after('PETR4', 9)).trades).toBe(1);
    expect((await tickers.afresh('PETR4', 2)).trades).toBe(4);
    // A stream still on the first notice gets the later read: fresher, never staler.
    expect((await tickers.afresh('PETR4', 1)).trades).toBe(4);
    expect(reads).toEqual(['PETR4', 'PETR4', 'VALE3', 'PETR4']);
  });
});
