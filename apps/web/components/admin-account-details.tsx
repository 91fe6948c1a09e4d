'use client';
import type { AccountView, AdminAccountView, SuspendedAccountView } from '@bolsa/contracts';
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { formatBRL, formatDateTime, formatQuantity } from '../lib/format';
import { useRequestAction } from '../lib/use-request-action';
import { AdminAccountKeys } from './admin-account-keys';
import { AdminAccountOrders } from './admin-account-orders';
import { ReasonForm } from './reason-form';

interface Props {
  readonly accountId: string;
  readonly onChanged: (account: AccountView) => void;
}

/** One account for an admin: what it has at stake, its suspensions and API keys, suspending or reinstating it. */
export function AdminAccountDetails({ accountId, onChanged }: Props) {
  const [view, setView] = useState<AdminAccountView | null>(null);
  const { busy, notice, setNotice, run } = useRequestAction();
  /** Moves after a suspension or reinstatement: the orders are listed again. */
  const [acted, setActed] = useState(0);

  useEffect(() => {
    setView(null);
    setNotice(null);
    api<AdminAccountView>('GET', `/api/admin/accounts/${accountId}`)
      .then(setView)
      .catch(() => setNotice('Não foi possível abrir a conta.'));
  }, [accountId]);

  /** Whether it was done. */
  const act = (request: () => Promise<AdminAccountView>, done: (result: AdminAccountView) => string) =>
    run(request, (result) => {
      setView(result);
      onChanged(result.account);
      setActed((n) => n + 1);
      return done(result);
    });
  const suspend = (reason: string) =>
    act(
      () => api<SuspendedAccountView>('POST', `/api/admin/accounts/${accountId}/suspension`, { reason }),
      (result) => `Conta suspensa; ${(result as SuspendedAccountView).cancelsSent} cancelamento(s) enviado(s).`,
    );
  const endSessions = (reason: string) =>
    act(
      () => api<AdminAccountView>('POST', `/api/admin/accounts/${accountId}/sessions/end`, { reason }),
      () => 'Sessões encerradas: o cliente precisa entrar de novo.',
    );
  const reinstate = () =>
    void act(
      () => api<AdminAccountView>('DELETE', `/api/admin/accounts/${accountId}/suspension`),
      () => 'Conta reativada.',
    );

  if (view === null) return <p className="border-t border-edge px-2 py-2 text-muted">{notice ?? 'Carregando…'}</p>;
  const { account } = view;
  const newestSession = view.sessions[0];
  return (
    <div className="border-t border-edge px-2 py-2" data-testid="admin-account">
      <p className="text-gray-200">
        {account.name} {account.email === null ? '' : `(${account.email})`}, desde {formatDateTime(account.createdAt)}
      </p>
      <p className="text-gray-400" data-testid="admin-account-live-orders">
        Ordens vivas: {view.liveOrders}
      </p>
      <table className="num my-1">
        <tbody>
          {view.balances.map(({ asset, available, held }) => {
            const format = asset === 'BRL' ? formatBRL : formatQuantity;
            return (
              <tr key={asset}>
                <td className="pr-3 text-gray-400">{asset}</td>
                <td className="pr-3 text-right">{format(available)} disponível</td>
                <td className="text-right text-muted">{format(held)} bloqueado</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {account.suspension !== null ? (
        <div className="flex items-center gap-2">
          <span className="text-rose-400" data-testid="admin-account-suspension">
            Suspensa desde {formatDateTime(account.suspension.since)}: {account.suspension.reason}
          </span>
          <button
            type="button"
            disabled={busy}
            onClick={reinstate}
            className="ml-auto rounded bg-gray-800 px-2 py-0.5 text-sky-300 hover:bg-gray-700 disabled:opacity-50"
          >
            Reativar conta
          </button>
        </div>
      ) : (
        account.role === 'trader' && (
          <ReasonForm
            label="Motivo da suspensão"
            placeholder="motivo (o cliente verá)"
            submitText="Suspender conta"
            busy={busy}
            onSubmit={suspend}
          />
        )
      )}
      {notice !== null && (
        <p className="mt-1 text-gray-300" role="status">
          {notice}
        </p>
      )}
      {view.suspensions.length > 0 && (
        <ul className="mt-1 text-muted" data-testid="admin-account-suspensions">
          {view.suspensions.map((record) => (
            <li key={record.suspendedAt}>
              {formatDateTime(record.suspendedAt)} suspensa por {record.suspendedBy.name}: {record.reason}
              {record.liftedAt === null
                ? ''
                : `; reativada em ${formatDateTime(record.liftedAt)} por ${record.liftedBy?.name ?? '—'}`}
            </li>
          ))}
        </ul>
      )}
      <AdminAccountKeys accountId={accountId} keys={view.apiKeys} onRevoked={setView} />
      <h3 className="mt-2 font-semibold uppercase tracking-wide text-muted">Sessões</h3>
      <p className="text-gray-400" data-testid="admin-account-sessions">
        {newestSession === undefined
          ? 'Nenhuma sessão ativa.'
          : `${view.sessions.length} sessão(ões) ativa(s); a mais recente em ${formatDateTime(newestSession.startedAt)}.`}
      </p>
      {newestSession !== undefined && (
        <ReasonForm
          label="Motivo do encerramento das sessões"
          placeholder="motivo (fica no registro de ações)"
          submitText="Encerrar sessões"
          busy={busy}
          onSubmit={endSessions}
        />
      )}
      <h3 className="mt-2 font-semibold uppercase tracking-wide text-muted">Ordens</h3>
      <AdminAccountOrders accountId={accountId} version={acted} />
    </div>
  );
}
