import { ApiFailure } from './api';

/** How long a page waits before asking the API again after it did not answer. */
export const RETRY_MS = 2_000;

/**
 * Whether a failed request is worth sending again: no answer at all (the API restarting, the network) or the API's
 * or a gateway's own failure (5xx). A 4xx is an answer: asking again would get the same one.
 */
export function worthRetrying(error: unknown): boolean {
  return !(error instanceof ApiFailure) || error.status >= 500;
}

/**
 * Loads something a page cannot do without (the instruments, the fees, a book's snapshot) and hands it to `loaded`,
 * asking again every RETRY_MS for as long as the API does not answer. Returns the function that stops it (an
 * effect's cleanup), after which nothing is handed over.
 */
export function retrying<T>(load: () => Promise<T>, loaded: (value: T) => void, wait = RETRY_MS): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const attempt = () => {
    load().then(
      (value) => {
        if (!stopped) loaded(value);
      },
      (error: unknown) => {
        if (!stopped && worthRetrying(error)) timer = setTimeout(attempt, wait);
      },
    );
  };
  attempt();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
