'use client';
import { useEffect, useRef, useState } from 'react';
import { FrameBatcher } from './frame-batcher';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface StreamEvent {
  readonly kind: string;
  readonly data: unknown;
}

/**
 * Follows a Server-Sent Events stream. EventSource reconnects by itself and sends Last-Event-ID, so the API
 * resumes where it left off; a stream closed for good (an HTTP error) is reopened after a pause. Events reach
 * `onBatch` once per animation frame.
 */
export function useEventStream(
  url: string | null,
  kinds: readonly string[],
  onBatch: (events: StreamEvent[]) => void,
): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onBatch);
  handler.current = onBatch;
  const kindList = kinds.join(',');

  useEffect(() => {
    if (url === null) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const batcher = new FrameBatcher<StreamEvent>((events) => handler.current(events));
    const open = () => {
      source = new EventSource(url);
      setState((previous) => (previous === 'live' ? 'reconnecting' : previous));
      source.onopen = () => setState('live');
      source.onerror = () => {
        if (source?.readyState === EventSource.CLOSED) {
          setState('closed');
          if (!stopped) retry = setTimeout(open, 3000);
        } else {
          setState('reconnecting');
        }
      };
      for (const kind of kindList.split(',')) {
        source.addEventListener(kind, (message) => {
          batcher.push({ kind, data: JSON.parse((message as MessageEvent<string>).data) as unknown });
        });
      }
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [url, kindList]);

  return state;
}
