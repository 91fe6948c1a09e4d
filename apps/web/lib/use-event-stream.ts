'use client';
import { useEffect, useRef, useState } from 'react';
import { FrameBatcher } from './frame-batcher';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface StreamEvent {
  readonly kind: string;
  readonly data: unknown;
}

/**
 * The stream's address for a new EventSource that resumes after `lastEventId`: a new EventSource sends no
 * Last-Event-ID header, so the API reads it from the query instead.
 */
export function resumeUrl(url: string, lastEventId: string): string {
  if (lastEventId === '') return url;
  return `${url}${url.includes('?') ? '&' : '?'}lastEventId=${encodeURIComponent(lastEventId)}`;
}

/**
 * Whether a stream reopened after failing for good must have its caller load its snapshot again: when it never had
 * an event's id, it cannot say where to resume, so it starts from now and what came between is not sent.
 */
export function reopensBlind(lastEventId: string): boolean {
  return lastEventId === '';
}

/**
 * Follows a Server-Sent Events stream. EventSource reconnects by itself and sends Last-Event-ID, so the API
 * resumes where it left off; a stream closed for good (an HTTP error, such as the API away for a while) is
 * reopened after a pause from the last event it had, so nothing in between is missed (a book built from deltas
 * would otherwise stay wrong). Events reach `onBatch` once per animation frame. When the API answers a resume
 * point too far back (or from another database) with `resync` instead of the events, `onResync` is called: the
 * caller loads its snapshot again; the stream goes on from the newest event. So it is when a stream that never had
 * an event is reopened: it has no resume point to give.
 */
export function useEventStream(
  url: string | null,
  kinds: readonly string[],
  onBatch: (events: StreamEvent[]) => void,
  onResync?: () => void,
): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onBatch);
  handler.current = onBatch;
  const resyncHandler = useRef(onResync);
  resyncHandler.current = onResync;
  const kindList = kinds.join(',');

  useEffect(() => {
    if (url === null) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let lastEventId = '';
    const batcher = new FrameBatcher<StreamEvent>((events) => handler.current(events));
    const open = (reopened: boolean) => {
      source = new EventSource(resumeUrl(url, lastEventId));
      const blind = reopened && reopensBlind(lastEventId);
      setState((previous) => (previous === 'live' ? 'reconnecting' : previous));
      source.onopen = () => {
        setState('live');
        if (blind) resyncHandler.current?.();
      };
      source.onerror = () => {
        if (source?.readyState === EventSource.CLOSED) {
          setState('closed');
          if (!stopped) retry = setTimeout(() => open(true), 3000);
        } else {
          setState('reconnecting');
        }
      };
      source.addEventListener('resync', (message) => {
        lastEventId = (message as MessageEvent<string>).lastEventId;
        resyncHandler.current?.();
      });
      for (const kind of kindList.split(',')) {
        source.addEventListener(kind, (message) => {
          const event = message as MessageEvent<string>;
          if (event.lastEventId !== '') lastEventId = event.lastEventId;
          batcher.push({ kind, data: JSON.parse(event.data) as unknown });
        });
      }
    };
    open(false);
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [url, kindList]);

  return state;
}
