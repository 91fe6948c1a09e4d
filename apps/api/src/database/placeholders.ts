/** `($1, $2, …), ($n, …)` for `rows` rows of `width` parameters, each column with an optional cast. */
export function placeholders(rows: number, width: number, casts: readonly string[] = []): string {
  return Array.from(
    { length: rows },
    (_, row) =>
      `(${Array.from({ length: width }, (_, column) => `$${row * width + column + 1}${casts[column] ?? ''}`).join(', ')})`,
  ).join(', ');
}
