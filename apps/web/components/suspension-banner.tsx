'use client';
import { formatDateTime } from '../lib/format';
import { useSession } from './session';

/** On every page while the exchange has suspended the account: why, and what still works. */
export function SuspensionBanner() {
  const { account } = useSession();
  const suspension = account?.suspension;
  if (!suspension) return null;
  return (
    <p role="alert" data-testid="suspension-banner" className="bg-rose-950 px-3 py-2 text-center text-sm text-rose-200">
      Sua conta está suspensa pela bolsa desde {formatDateTime(suspension.since)}: {suspension.reason}. Novas ordens,
      alterações e retiradas estão bloqueadas; você ainda pode cancelar ordens e consultar sua conta.
    </p>
  );
}
