import type { AdminActionView } from '@bolsa/contracts';

/** What an administrator did, in a sentence of the panel's log. */
export function adminActionText(action: AdminActionView): string {
  const account = action.account?.name ?? 'uma conta';
  switch (action.action) {
    case 'halt':
      // Halts logged before reasons were kept have none.
      return `Suspendeu a negociação de ${action.symbol ?? '—'}${action.reason === null ? '' : `: ${action.reason}`}`;
    case 'resume':
      return `Retomou a negociação de ${action.symbol ?? '—'}`;
    case 'end_of_day':
      return 'Encerrou o pregão (ordens do dia expiradas)';
    case 'reopen':
      return 'Reabriu o pregão encerrado antes da hora';
    case 'suspend':
      return `Suspendeu a conta de ${account}: ${action.reason ?? ''}`;
    case 'reinstate':
      return `Reativou a conta de ${account}`;
    case 'revoke_key':
      return `Revogou uma chave de API de ${account}: ${action.reason ?? ''}`;
    case 'end_sessions':
      return `Encerrou as sessões de ${account}: ${action.reason ?? ''}`;
  }
}

/** Who did it: an administrator's name, or the exchange's own clock for a scheduled close. */
export function adminActionAuthor(action: AdminActionView): string {
  return action.by?.name ?? 'relógio da bolsa';
}
