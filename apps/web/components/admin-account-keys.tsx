'use client';
import type { AdminAccountView, ApiKeyView } from '@bolsa/contracts';
import { useState } from 'react';
import { api } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { useRequestAction } from '../lib/use-request-action';
import { accessWords } from './api-keys';
import { ReasonForm } from './reason-form';

interface Props {
  readonly accountId: string;
  readonly keys: readonly ApiKeyView[];
  readonly onRevoked: (view: AdminAccountView) => void;
}

/** An account's API keys for an administrator, and revoking one (a key that leaked), saying why. */
export function AdminAccountKeys({ accountId, keys, onRevoked }: Props) {
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  const { busy, notice, setNotice, run } = useRequestAction();

  const revoke = (key: ApiKeyView, reason: string): Promise<boolean> =>
    run(
      () =>
        api<AdminAccountView>('POST', `/api/admin/accounts/${accountId}/api-keys/${key.keyId}/revocation`, { reason }),
      (view) => {
        onRevoked(view);
        setRevoking(null);
        return `Chave "${key.label}" revogada.`;
      },
    );

  return (
    <>
      <h3 className="mt-2 font-semibold uppercase tracking-wide text-muted">Chaves de API</h3>
      {keys.length === 0 && <p className="text-muted">Nenhuma chave.</p>}
      <ul data-testid="admin-account-keys">
        {keys.map((key) => (
          <li key={key.keyId} className="flex items-center gap-2" data-testid="admin-account-key">
            <span className="text-gray-200">{key.label}</span>
            <span className="text-muted">{accessWords(key.access)}</span>
            <span className="text-muted">
              {key.revokedAt === null ? 'ativa' : `revogada em ${formatDateTime(key.revokedAt)}`}
            </span>
            {key.revokedAt === null && (
              <button
                type="button"
                onClick={() => {
                  setRevoking(key);
                  setNotice(null);
                }}
                className="ml-auto text-rose-400"
              >
                Revogar
              </button>
            )}
          </li>
        ))}
      </ul>
      {revoking !== null && (
        <ReasonForm
          key={revoking.keyId}
          label={`Motivo da revogação de "${revoking.label}"`}
          placeholder="motivo (fica no registro de ações)"
          submitText="Confirmar revogação"
          busy={busy}
          onSubmit={(reason) => revoke(revoking, reason)}
        >
          <button type="button" onClick={() => setRevoking(null)} className="text-gray-400">
            Voltar
          </button>
        </ReasonForm>
      )}
      {notice !== null && (
        <p className="mt-1 text-gray-300" role="status" data-testid="admin-account-keys-notice">
          {notice}
        </p>
      )}
    </>
  );
}
