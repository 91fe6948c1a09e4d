/** A page of one of the API's lists, newest first: `nextCursor` fetches the page after it (null: the last one). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/**
 * What a list shows after its first page was fetched again (something changed): that page in place of the part
 * of the list it covers, and the pages loaded after it kept, so that a trader who loaded more does not lose them.
 * When the new first page does not reach what is listed, there may be items between the two, so it replaces the
 * list (and its cursor goes on from there).
 */
export function withNewest<T>(listed: Page<T>, newest: Page<T>, key: (item: T) => string): Page<T> {
  const last = newest.items.at(-1);
  if (newest.nextCursor === null || last === undefined) return newest;
  const at = listed.items.findIndex((item) => key(item) === key(last));
  if (at === -1) return newest;
  return { items: [...newest.items, ...listed.items.slice(at + 1)], nextCursor: listed.nextCursor };
}

/** A list with the page after it (fetched with its `nextCursor`) added at the end; the cursor goes on from there. */
export function withOlder<T>(listed: Page<T>, older: Page<T>): Page<T> {
  return { items: [...listed.items, ...older.items], nextCursor: older.nextCursor };
}

/**
 * `older`, fetched with `cursor`, added to the list if `cursor` is still where it goes on (else the list changed
 * meanwhile, a new search say, and the list stays as it is).
 */
export function withOlderAt<T>(listed: Page<T> | null, cursor: string, older: Page<T>): Page<T> | null {
  return listed !== null && listed.nextCursor === cursor ? withOlder(listed, older) : listed;
}

/**
 * A list's pages from the first, joined, until they hold `atLeast` items or the list ends; the cursor goes on from
 * there (null: nothing more).
 */
export async function pagesUpTo<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  atLeast: number,
): Promise<Page<T>> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < atLeast);
  return { items, nextCursor: cursor };
}

/** Every item of a list, page after page from the first, in the list's order (for totals that need them all). */
export async function everyPage<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  return [...(await pagesUpTo(fetchPage, Infinity)).items];
}
