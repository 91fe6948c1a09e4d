import type { ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import type { StoredEvent } from '../events/event-ingestion.js';

export interface SseMessage {
  readonly event: string;
  readonly data: unknown;
  /** Omitted for derived messages (a ticker): the client's resume point stays the last event id. */
  readonly id?: number;
}

export interface StreamSource {
  /** Stored events after `afterId` that this stream shows, oldest first, at most `limit`. */
  replay(afterId: number, limit: number): Promise<StoredEvent[]>;
  readonly live: Observable<StoredEvent>;
  accepts(stored: StoredEvent): boolean;
  render(stored: StoredEvent): Promise<SseMessage[]> | SseMessage[];
  /** Sent once the client has caught up (a snapshot to start from). */
  initial?(): Promise<SseMessage[]>;
  /** Messages without an id from outside the event log (wallet changes), sent live after the catch-up. */
  readonly extras?: Observable<SseMessage>;
}

/** Where a client resumes in the event log, and the log's newest id, to tell how far behind that is. */
export interface ResumePoint {
  /** The client's Last-Event-ID; null for a client starting live. */
  readonly after: number | null;
  newestId(): Promise<number>;
}

export interface StreamLimits {
  readonly heartbeatMs: number;
  /** A client this far behind is disconnected; it resumes from its Last-Event-ID when it reconnects. */
  readonly maxBufferedBytes: number;
  /** A client resuming from further back than this many events is sent `resync` instead of what it missed. */
  readonly replayMaxEvents: number;
}

const REPLAY_PAGE = 1000;

function format(message: SseMessage): string {
  const id = message.id === undefined ? '' : `id: ${message.id}\n`;
  return `${id}event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

/**
 * Why a stream ended: the client left, was too slow, or its events could not be read (the database away). A stream
 * is closed rather than left open when its replay fails: a client kept waiting on heartbeats would wait for good,
 * while one whose connection closes reconnects with its Last-Event-ID and is replayed from there.
 */
export type StreamEnd = 'client' | 'slow' | 'failed';

/**
 * Serves one SSE connection: subscribes to live events first, replays what the client missed since its
 * Last-Event-ID, then goes live, skipping anything already sent, so there is no gap and no repeat. Writes are
 * sequential; a client whose unsent data passes the limit is cut off rather than allowed to hold memory.
 */
export async function serveStream(
  response: ServerResponse,
  source: StreamSource,
  resume: ResumePoint,
  limits: StreamLimits,
  onClose: (reason: StreamEnd) => void,
  onResync: () => void = () => undefined,
): Promise<void> {
  const lastEventId = resume.after;
  // A client starting live stands at the newest id, read before it is answered: every event it could think came
  // after it connected is newer, and is replayed or sent live.
  const standing = lastEventId === null ? await resume.newestId().catch(() => null) : lastEventId;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.write('retry: 2000\n\n');
  let lastSent = standing ?? 0;
  let replaying = true;
  const held: StoredEvent[] = [];
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  const send = async (stored: StoredEvent): Promise<void> => {
    if (closed || stored.id <= lastSent) return;
    lastSent = stored.id;
    for (const message of await source.render(stored)) response.write(format(message));
    if (response.writableLength > limits.maxBufferedBytes) finish('slow');
  };
  const subscription = source.live.subscribe((stored) => {
    if (!source.accepts(stored)) return;
    if (replaying) held.push(stored);
    else chain = chain.then(() => send(stored)).catch(() => finish('client'));
  });
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), limits.heartbeatMs);
  const finish = (reason: StreamEnd) => {
    if (closed) return;
    closed = true;
    subscription.unsubscribe();
    clearInterval(heartbeat);
    onClose(reason);
    response.destroy();
  };
  response.on('close', () => finish('client'));

  try {
    await catchUp();
  } catch {
    finish('failed');
    return;
  }
  if (closed) return;
  const extras = source.extras?.subscribe((message) => {
    chain = chain
      .then(() => {
        if (closed) return;
        response.write(format(message));
        if (response.writableLength > limits.maxBufferedBytes) finish('slow');
      })
      .catch(() => finish('client'));
  });
  if (extras !== undefined) response.on('close', () => extras.unsubscribe());

  /** What the client missed, the live events held meanwhile, then the source's opening messages. */
  async function catchUp(): Promise<void> {
    await replayMissed();
    for (const stored of held) await send(stored);
    replaying = false;
    if (closed) return;
    const initial = (await source.initial?.()) ?? [];
    if (closed) return;
    for (const message of initial) response.write(format(message));
  }

  async function replayMissed(): Promise<void> {
    if (standing === null) throw new Error('where the stream stands could not be read');
    if (lastEventId === null) {
      // A client starting live is given where it stands before any event (an id with no data sets an EventSource's
      // last event id and dispatches nothing): one whose connection dropped before its first event would otherwise
      // come back with no Last-Event-ID, from a later "now", and miss what came between. What was stored between
      // reading that id and subscribing is replayed below.
      response.write(`id: ${standing}\n\n`);
    } else {
      await resyncIfOutOfReach(lastEventId);
    }
    for (;;) {
      const page = await source.replay(lastSent, REPLAY_PAGE);
      for (const stored of page) await send(stored);
      if (page.length < REPLAY_PAGE || closed) break;
    }
  }

  async function resyncIfOutOfReach(lastEventId: number): Promise<void> {
    const newest = await resume.newestId();
    if (lastEventId > newest || newest - lastEventId > limits.replayMaxEvents) {
      // Too far behind to catch up event by event (or an id this log never gave): the client starts over from a
      // snapshot, and from here on it is sent what comes after the newest event.
      lastSent = newest;
      const data = { reason: lastEventId > newest ? 'unknown_event_id' : 'too_far_behind', newestId: newest };
      response.write(format({ id: newest, event: 'resync', data }));
      onResync();
    }
  }
}

/**
 * `Last-Event-ID` as a stream id, or null when absent. One that is not an id of ours (a client's own, or mangled on
 * the way) reads as beyond the newest event, so the client is told to start over rather than resumed from now
 * with a gap it cannot see.
 */
export function parseLastEventId(header: string | string[] | undefined): number | null {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || text === '') return null;
  return /^\d{1,15}$/.test(text) ? Number(text) : Number.POSITIVE_INFINITY;
}
