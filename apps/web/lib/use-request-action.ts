'use client';
import { useState } from 'react';
import { requestFailureText } from './error-text';

/**
 * A request a button or form sends, one at a time: `busy` while it is on its way, then `notice` says what it did
 * (`done`'s words for its answer) or why it failed. `run` tells whether it was done.
 */
export function useRequestAction(): {
  busy: boolean;
  notice: string | null;
  setNotice: (notice: string | null) => void;
  run: <T>(request: () => Promise<T>, done: (result: T) => string) => Promise<boolean>;
} {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const run = async <T>(request: () => Promise<T>, done: (result: T) => string): Promise<boolean> => {
    setBusy(true);
    try {
      setNotice(done(await request()));
      return true;
    } catch (failure) {
      setNotice(requestFailureText(failure));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, notice, setNotice, run };
}
