import type { FastifyReply } from 'fastify';

/** Rows read for a CSV file at a time. */
const PAGE = 1000;

/** A field as RFC 4180 writes it: quoted, its quotes doubled, when it holds a comma, a quote or a line break. */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Every row a paged read gives, page after page, as one CSV file (a header line, CRLF line ends): `read` is given
 * where the page before ended (`after` of its last row), or undefined for the first.
 */
export async function csvFile<Row, Cursor>(
  header: readonly string[],
  read: (after: Cursor | undefined, limit: number) => Promise<readonly Row[]>,
  after: (last: Row) => Cursor,
  fields: (row: Row) => readonly (string | number | null)[],
): Promise<string> {
  const lines = [header.join(',')];
  let cursor: Cursor | undefined;
  for (;;) {
    const page = await read(cursor, PAGE);
    for (const row of page) lines.push(fields(row).map(csvField).join(','));
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) break;
    cursor = after(last);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Answers with a CSV file a browser saves as `filename`. */
export function asCsvDownload(reply: FastifyReply, filename: string): void {
  void reply.header('content-type', 'text/csv; charset=utf-8');
  void reply.header('content-disposition', `attachment; filename="${filename}"`);
}
