/** Rows as one array per column, in the order of the pickers: the shape `unnest($1::…[], $2::…[], …)` reads. */
export function columns<T>(rows: readonly T[], pickers: ReadonlyArray<(row: T) => unknown>): unknown[][] {
  return pickers.map((pick) => rows.map(pick));
}
