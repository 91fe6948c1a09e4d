import type { MyTradeView, OrderView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { myListKey, myListPath, withNewestPage, withOlderPage, type MyListPage } from './my-lists';

const order = (orderId: string) => ({ orderId }) as OrderView;
const trade = (tradeId: string, role: 'maker' | 'taker') => ({ tradeId, role, orderId: 'o' }) as MyTradeView;
const ids = (page: MyListPage | null) => page?.items.map(myListKey);

describe('myListPath', () => {
  it('asks for a page of open or finished orders, or of trades, from a cursor on', () => {
    expect(myListPath('done', null)).toBe('/api/me/orders?status=done&limit=100');
    expect(myListPath('trades', 'a+b/c=')).toBe('/api/me/trades?limit=100&cursor=a%2Bb%2Fc%3D');
    expect(myListPath('open', 'x')).toBe('/api/me/orders?status=open&limit=100&cursor=x');
    expect(myListPath('trades', null, 'PETR4')).toBe('/api/me/trades?symbol=PETR4&limit=100');
    expect(myListPath('done', null, 'VALE3')).toBe('/api/me/orders?status=done&symbol=VALE3&limit=100');
  });

  it('fetches again as many open orders as are shown, up to the API’s 500, and one page of the others', () => {
    expect(myListPath('open', null, null, 250)).toBe('/api/me/orders?status=open&limit=250');
    expect(myListPath('open', null, null, 900)).toBe('/api/me/orders?status=open&limit=500');
    expect(myListPath('open', null, null, 3)).toBe('/api/me/orders?status=open&limit=100');
    expect(myListPath('done', null, null, 250)).toBe('/api/me/orders?status=done&limit=100');
  });
});

describe("the trader's lists, page by page", () => {
  const done = (items: string[], nextCursor: string | null, symbol: string | null = null): MyListPage => ({
    list: 'done',
    symbol,
    items: items.map(order),
    nextCursor,
  });

  it('keep the older pages loaded when the first is fetched again', () => {
    const merged = withNewestPage(done(['c', 'b', 'a'], 'older'), done(['d', 'c'], 'x'));
    expect([ids(merged), merged.nextCursor]).toEqual([['d', 'c', 'b', 'a'], 'older']);
  });

  it('tell trades apart by the trader’s side of them: one trade between two orders of the same trader is two rows', () => {
    const listed: MyListPage = {
      list: 'trades',
      symbol: null,
      items: [trade('T-2', 'taker'), trade('T-2', 'maker')],
      nextCursor: 'c',
    };
    const newest: MyListPage = {
      list: 'trades',
      symbol: null,
      items: [trade('T-3', 'taker'), trade('T-2', 'taker')],
      nextCursor: 'x',
    };
    expect(ids(withNewestPage(listed, newest))).toEqual(['T-3-taker', 'T-2-taker', 'T-2-maker']);
  });

  it('show the first page of another symbol’s list (or of every symbol’s) as it is', () => {
    const onlyPetr4 = done(['c'], 'x', 'PETR4');
    expect(withNewestPage(done(['c', 'b'], 'older'), onlyPetr4)).toBe(onlyPetr4);
    expect(withOlderPage(onlyPetr4, 'x', done(['b'], null))).toBe(onlyPetr4);
    expect(ids(withOlderPage(onlyPetr4, 'x', done(['b'], null, 'PETR4')))).toEqual(['c', 'b']);
  });

  it('show another list’s first page as it is', () => {
    const trades: MyListPage = { list: 'trades', symbol: null, items: [trade('T-1', 'maker')], nextCursor: null };
    const open: MyListPage = { list: 'open', symbol: null, items: [order('c')], nextCursor: 'x' };
    expect(withNewestPage(done(['c', 'b'], 'older'), open)).toBe(open);
    expect(withNewestPage(open, trades)).toBe(trades);
    expect(withNewestPage(null, trades)).toBe(trades);
  });

  it('append the page after the last one loaded, and nothing once the list has moved on', () => {
    const listed = done(['c', 'b'], 'after-b');
    const older = done(['a'], null);
    expect(ids(withOlderPage(listed, 'after-b', older))).toEqual(['c', 'b', 'a']);
    expect(withOlderPage(listed, 'after-b', older)?.nextCursor).toBeNull();
    // Already appended (a second click), or the tab changed while the page was on its way.
    expect(withOlderPage(listed, 'after-z', older)).toBe(listed);
    const trades: MyListPage = { list: 'trades', symbol: null, items: [], nextCursor: 'after-b' };
    expect(withOlderPage(trades, 'after-b', older)).toBe(trades);
    expect(withOlderPage(null, 'after-b', older)).toBeNull();
  });
});
