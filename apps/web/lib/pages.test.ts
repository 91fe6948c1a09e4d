import { describe, expect, it } from 'vitest';
import { everyPage, pagesUpTo, withNewest, withOlder, withOlderAt, type Page } from './pages';

const key = (item: string) => item;
const page = (items: string[], nextCursor: string | null = 'next'): Page<string> => ({ items, nextCursor });

describe('withNewest', () => {
  it('puts items newer than the list on top and keeps the pages loaded after the first', () => {
    const merged = withNewest(page(['c', 'b', 'a'], 'older'), page(['e', 'd', 'c', 'b'], 'x'), key);
    expect(merged).toEqual(page(['e', 'd', 'c', 'b', 'a'], 'older'));
  });

  it('takes the new first page as it is for the part it covers: items that left it go, moved ones follow', () => {
    // 'y' finished (it left the open orders), 'z' is new; the loaded 'w' beyond the first page stays.
    const merged = withNewest(page(['z0', 'y', 'x', 'w'], 'older'), page(['z', 'z0', 'x'], 'x2'), key);
    expect(merged).toEqual(page(['z', 'z0', 'x', 'w'], 'older'));
  });

  it('replaces the list when the new first page does not reach it, or is all there is', () => {
    const apart = page(['e', 'd'], 'x');
    expect(withNewest(page(['b', 'a'], null), apart, key)).toBe(apart);
    expect(withNewest(page([], null), apart, key)).toBe(apart);
    const whole = page(['c', 'b'], null);
    expect(withNewest(page(['c', 'b', 'a'], null), whole, key)).toBe(whole);
    const empty = page([], null);
    expect(withNewest(page(['a'], 'older'), empty, key)).toBe(empty);
  });
});

describe('withOlder', () => {
  it('adds the older page at the end and goes on from its cursor', () => {
    expect(withOlder(page(['c', 'b'], 'x'), page(['a'], null))).toEqual(page(['c', 'b', 'a'], null));
    expect(withOlder(page(['d'], 'x'), page(['c', 'b'], 'y'))).toEqual(page(['d', 'c', 'b'], 'y'));
  });
});

describe('withOlderAt', () => {
  it('adds a page only to the list whose cursor fetched it', () => {
    expect(withOlderAt(page(['c', 'b'], 'x'), 'x', page(['a'], null))).toEqual(page(['c', 'b', 'a'], null));
    // The list changed while the page was on its way (a new search): it stays as it is.
    expect(withOlderAt(page(['z'], 'w'), 'x', page(['a'], null))).toEqual(page(['z'], 'w'));
    expect(withOlderAt(null, 'x', page(['a'], null))).toBeNull();
  });
});

describe('everyPage', () => {
  it('follows the cursors to the last page and keeps the list’s order', async () => {
    const pages: Record<string, Page<string>> = {
      first: page(['e', 'd'], 'after-d'),
      'after-d': page(['c', 'b'], 'after-b'),
      'after-b': page(['a'], null),
    };
    const asked: (string | null)[] = [];
    const all = await everyPage(async (cursor) => {
      asked.push(cursor);
      return pages[cursor ?? 'first']!;
    });
    expect([all, asked]).toEqual([
      ['e', 'd', 'c', 'b', 'a'],
      [null, 'after-d', 'after-b'],
    ]);
  });
});

describe('pagesUpTo', () => {
  const pages: Record<string, Page<string>> = {
    first: page(['a', 'b'], 'after-b'),
    'after-b': page(['c', 'd'], 'after-d'),
    'after-d': page(['e'], null),
  };
  const fetchPage = async (cursor: string | null) => pages[cursor ?? 'first']!;

  it('stops at the page that brings it to the number asked for, with the cursor to go on from', async () => {
    expect(await pagesUpTo(fetchPage, 1)).toEqual(page(['a', 'b'], 'after-b'));
    expect(await pagesUpTo(fetchPage, 3)).toEqual(page(['a', 'b', 'c', 'd'], 'after-d'));
  });

  it('ends with the list, its cursor null, when the list is shorter', async () => {
    expect(await pagesUpTo(fetchPage, 10)).toEqual(page(['a', 'b', 'c', 'd', 'e'], null));
  });
});
