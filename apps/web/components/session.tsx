'use client';
import type { AccountView, SessionView } from '@bolsa/contracts';
import { usePathname, useRouter } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from '../lib/api';
import type { StreamEvent } from '../lib/use-event-stream';

interface SessionContext {
  readonly account: AccountView | null;
  readonly loading: boolean;
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
  const refresh = useCallback(() => {
    api<SessionView>('GET', '/api/auth/session')
      .then((session) => setAccount(session.account))
      .catch(() => setAccount(null))
      .finally(() => setLoading(false));
  }, []);
  useEffect(refresh, [refresh]);
  const signedIn = useCallback((session: SessionView) => setAccount(session.account), []);
  const accountEvents = useCallback((events: readonly StreamEvent[]) => {
    const changed = events.findLast((event) => event.kind === 'account')?.data as AccountView | undefined;
    if (changed !== undefined) setAccount(changed);
  }, []);
  const logOut = useCallback(async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    setAccount(null);
  }, []);
  return (
    <Context.Provider value={{ account, loading, signedIn, logOut, refresh, accountEvents }}>
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
