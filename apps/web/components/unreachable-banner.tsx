'use client';
import { useSession } from './session';

/** On every page while the API does not answer who is logged in: the page waits rather than logging anyone out. */
export function UnreachableBanner() {
  const { unreachable } = useSession();
  if (!unreachable) return null;
  return (
    <p
      role="status"
      data-testid="session-unreachable"
      className="bg-amber-950 px-3 py-2 text-center text-sm text-amber-200"
    >
      Sem resposta da corretora. Tentando de novo…
    </p>
  );
}
