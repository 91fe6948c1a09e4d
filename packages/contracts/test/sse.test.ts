import { describe, expect, it } from 'vitest';
import { readEvents, type SseEvent } from '../src/sse.js';

/** The text as a body delivered in chunks cut at the given character offsets (UTF-8 bytes split where they fall). */
async function* chunked(text: string, cuts: number[]): AsyncIterable<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
}

const STREAM =
  'retry: 2000\n\n' +
  'id: 41\n\n' +
  ': keep-alive\n\n' +
  'id: 42\nevent: order\ndata: {"orderId":"a","status":"filled","note":"ação"}\n\n' +
  'event: ticker\ndata: {"last":"10.00"}\n\n' +
  'id: 43\nevent: fill\ndata: {"quantity":"5"}\n\n';

async function read(cuts: number[], stopAt?: string): Promise<{ events: SseEvent[]; ids: string[] }> {
  const events: SseEvent[] = [];
  const ids: string[] = [];
  await readEvents(
    chunked(STREAM, cuts),
    (event) => {
      events.push(event);
      return event.event === stopAt;
    },
    (id) => ids.push(id),
  );
  return { events, ids };
}

describe('readEvents', () => {
  it('reads events with their ids and JSON data, skips comments and retries, and hands an id alone to onId', async () => {
    const { events, ids } = await read([]);
    expect(ids).toEqual(['41']);
    expect(events).toEqual([
      { id: '42', event: 'order', data: { orderId: 'a', status: 'filled', note: 'ação' } },
      { id: undefined, event: 'ticker', data: { last: '10.00' } },
      { id: '43', event: 'fill', data: { quantity: '5' } },
    ]);
  });

  it('reads the same events whatever the chunks, a multi-byte character or a blank line cut in two included', async () => {
    const whole = await read([]);
    const accent = new TextEncoder().encode(STREAM.slice(0, STREAM.indexOf('ção'))).length + 1;
    const blankLine = STREAM.indexOf('\n\n', STREAM.indexOf('event: order')) + 1;
    for (const cuts of [[accent], [blankLine], [1, 2, 3, 17, 18, accent, blankLine, 150]]) {
      expect(await read(cuts)).toEqual(whole);
    }
    const everyByte = Array.from({ length: new TextEncoder().encode(STREAM).length - 1 }, (_, i) => i + 1);
    expect(await read(everyByte)).toEqual(whole);
  });

  it('stops once onEvent returns true', async () => {
    const { events } = await read([], 'ticker');
    expect(events.map((event) => event.event)).toEqual(['order', 'ticker']);
  });
});
