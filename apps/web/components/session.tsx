'use client';
import type { AccountView, SessionView } from '@bolsa/contracts';
import { usePathname, useRouter } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiFailure, maybeSignedIn } from '../lib/api';
import { RETRY_MS } from '../lib/retrying';
import type { StreamEvent } from '../lib/use-event-stream';

interface SessionContext {
  readonly account: AccountView | null;
  /** Until the API first says who is logged in (or that nobody is). */
  readonly loading: boolean;
  /** The last question about the session got no answer (the API away or failing); it is being asked again. */
  readonly unreachable: boolean;
  signedIn(session: SessionView): void;
  logOut(): Promise<void>;
  /** Reads the session again: after an answer that says the account changed (a suspension). */
  refresh(): void;
  /** Takes the newest account among a live stream's events, if any (sent when it is suspended or reinstated). */
  accountEvents(events: readonly StreamEvent[]): void;
}

const Context = createContext<SessionContext | null>(null);

/** Who is logged in (from the session cookie), for every page. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [account, setAccount] = useState<AccountView | null>(null);
  const [loading, setLoading] = useState(true);
  // Failed questions in a row: each one schedules the next (0 once one is answered).
  const [failures, setFailures] = useState(0);
  const answered = useCallback((known: AccountView | null) => {
    setAccount(known);
    setFailures(0);
    setLoading(false);
  }, []);
  const refresh = useCallback(() => {
    // A visitor who never logged in is answered here, rather than by a 401 the browser would log as an error.
    if (!maybeSignedIn()) return answered(null);
    api<SessionView>('GET', '/api/auth/session')
      .then((session) => answered(session.account))
      .catch((error: unknown) => {
        if (error instanceof ApiFailure && error.status === 401) return answered(null);
        // No answer is not "logged out": keep what we knew, so that nobody is sent to the login page by a restart.
        setFailures((count) => count + 1);
      });
  }, [answered]);
  useEffect(refresh, [refresh]);
  useEffect(() => {
    if (failures === 0) return;
    const retry = setTimeout(refresh, RETRY_MS);
    return () => clearTimeout(retry);
  }, [failures, refresh]);
  // A login answered: the API is there, and says who is logged in.
  const signedIn = useCallback((session: SessionView) => answered(session.account), [answered]);
  const accountEvents = useCallback((events: readonly StreamEvent[]) => {
    const changed = events.findLast((event) => event.kind === 'account')?.data as AccountView | undefined;
    if (changed !== undefined) setAccount(changed);
  }, []);
  const logOut = useCallback(async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    setAccount(null);
  }, []);
  return (
    <Context.Provider value={{ account, loading, unreachable: failures > 0, signedIn, logOut, refresh, accountEvents }}>
      {children}
    </Context.Provider>
  );
}

export function useSession(): SessionContext {
  const context = useContext(Context);
  if (context === null) throw new Error('useSession outside SessionProvider');
  return context;
}

/** The logged-in account, sending everyone else to the login page. */
export function useRequiredAccount(): AccountView | null {
  const { account, loading } = useSession();
  const router = useRouter();
  const path = usePathname();
  useEffect(() => {
    if (!loading && account === null) router.replace(`/login?next=${encodeURIComponent(path)}`);
  }, [account, loading, path, router]);
  return account;
}
