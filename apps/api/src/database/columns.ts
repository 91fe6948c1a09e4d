/** Rows as one array per column, in the order of the pickers: the shape `unnest($1::…[], $2::…[], …)` reads. */
export function columns<T>(rows: readonly T[], pickers: ReadonlyArray<(row: T) => unknown>): unknown[][] {
  return pickers.map((pick) => rows.map(pick));
}

/** A time as a `timestamp` parameter: timestamps are stored without a zone, in UTC (Prisma's convention). */
export function utcTimestamp(time: Date): string {
  return time.toISOString().replace('T', ' ').replace('Z', '');
}
