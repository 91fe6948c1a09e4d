import { ApiFailure, newIdempotencyKey } from './api';

/**
 * One Idempotency-Key per thing the trader is trying to do. A request sent again after it got no answer (the
 * network failed, or the API answered 5xx) may have been carried out already, so it goes with the same key and the
 * API returns what it did the first time; once the API has answered, or the request is a different one, a new key.
 */
export class AttemptKeys {
  private current: { readonly request: string; readonly key: string } | null = null;

  constructor(private readonly newKey: () => string = newIdempotencyKey) {}

  /** The key for this request (its body, as sent). */
  keyFor(request: string): string {
    if (this.current?.request !== request) this.current = { request, key: this.newKey() };
    return this.current.key;
  }

  /** The API answered: with what it did, or a refusal that sending again will not change. */
  answered(): void {
    this.current = null;
  }
}

/** Whether a failure is the API's answer (a 4xx refusal), after which the same request is a new attempt. */
export function isAnswer(failure: unknown): failure is ApiFailure {
  return failure instanceof ApiFailure && failure.status < 500;
}
