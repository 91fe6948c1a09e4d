export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: unknown;
}

/**
 * Reads the streams' Server-Sent Events (`/api/stream/…`) for programs without an EventSource (Node 20 has none):
 * the bench, the tests and the market simulator. Calls `onEvent` for each event until `onEvent` returns true or the
 * body ends (or the request is aborted). An id with no event (where a stream starting live stands) goes to `onId`,
 * as it sets an EventSource's last event id.
 */
export async function readEvents(
  body: AsyncIterable<Uint8Array>,
  onEvent: (event: SseEvent) => boolean | void,
  onId: (id: string) => void = () => undefined,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let start = 0;
    let end: number;
    while ((end = buffer.indexOf('\n\n', start)) >= 0) {
      const event = parseBlock(buffer, start, end);
      start = end + 2;
      if (event !== null && event.data === undefined) onId(event.id!);
      else if (event !== null && onEvent(event)) return;
    }
    buffer = buffer.slice(start);
  }
}

/**
 * The event in text[start, end), its lines without the blank one after; with no data, only its id if it has one,
 * else null (a comment, a retry).
 */
function parseBlock(text: string, start: number, end: number): SseEvent | null {
  let id: string | undefined;
  let event = 'message';
  let data: string | undefined;
  for (let line = start; line < end;) {
    // The block ends with a newline at `end`, so every line has one.
    const lineEnd = text.indexOf('\n', line);
    const colon = text.indexOf(':', line);
    if (colon > line && colon < lineEnd) {
      const name = text.slice(line, colon);
      const value = text.slice(text.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1, lineEnd);
      if (name === 'data') data = value;
      else if (name === 'id') id = value;
      else if (name === 'event') event = value;
    }
    line = lineEnd + 1;
  }
  if (data === undefined) return id === undefined ? null : { id, event, data: undefined };
  return { id, event, data: JSON.parse(data) };
}
