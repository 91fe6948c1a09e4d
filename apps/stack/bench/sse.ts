export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: unknown;
}

/**
 * Reads a Server-Sent Events body, calling `onEvent` for each event until `onEvent` returns true or the body
 * ends (or the request is aborted).
 */
export async function readEvents(
  body: AsyncIterable<Uint8Array>,
  onEvent: (event: SseEvent) => boolean | void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
      }
      const data = fields.get('data');
      if (data === undefined) continue;
      if (onEvent({ id: fields.get('id'), event: fields.get('event') ?? 'message', data: JSON.parse(data) })) return;
    }
  }
}
