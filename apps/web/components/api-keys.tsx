'use client';
import type { ApiKeyAccess, ApiKeyView, CreatedApiKey } from '@bolsa/contracts';
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiFailure } from '../lib/api';
import { failureText, NO_ANSWER_TEXT, requestFailureText } from '../lib/error-text';
import { retrying } from '../lib/retrying';
import { Field, SelectField } from './field';
import { useRequiredAccount } from './session';

/** The API's codes for a key's label, in the trader's words. */
const LABEL_CODES: Readonly<Record<string, string>> = {
  too_small: 'Dê um nome à chave.',
  too_big: 'No máximo 60 caracteres.',
  too_many_keys: 'Limite de chaves ativas atingido: revogue uma antes.',
};

/** What a key may do, in the trader's words. */
const ACCESS: ReadonlyArray<[ApiKeyAccess, string]> = [
  ['trade', 'Negociar'],
  ['read', 'Só consultar'],
];

/** What a key may do, as a list of keys says it. */
export function accessWords(access: ApiKeyAccess): string {
  return access === 'read' ? 'só consulta' : 'negocia';
}

/** Create (the secret is shown once; trading or read-only), list and revoke API keys. */
export function ApiKeys() {
  const account = useRequiredAccount();
  /** Null until the list has arrived, so that an empty list says so only once it is known to be empty. */
  const [keys, setKeys] = useState<ApiKeyView[] | null>(null);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [error, setError] = useState<string | undefined>();
  /** Why the last revocation did not go through: a key the trader means to stop must not look stopped. */
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (account !== null) return retrying(() => api<ApiKeyView[]>('GET', '/api/me/api-keys'), setKeys);
  }, [account, version]);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const label = String(data.get('label') ?? '');
    const access = String(data.get('access') ?? 'trade');
    try {
      setCreated(await api<CreatedApiKey>('POST', '/api/me/api-keys', { label, access }));
      setError(undefined);
      form.reset();
      setVersion((n) => n + 1);
    } catch (failure) {
      if (!(failure instanceof ApiFailure)) return setError(NO_ANSWER_TEXT);
      const field = failure.fields[0];
      setError(field === undefined ? failureText(failure) : (LABEL_CODES[field.code] ?? field.message));
    }
  }

  async function revoke(keyId: string) {
    try {
      await api('DELETE', `/api/me/api-keys/${keyId}`);
      setRevokeError(null);
    } catch (failure) {
      const why = requestFailureText(failure);
      setRevokeError(`A chave não foi revogada e segue ativa. ${why}`);
    }
    setVersion((n) => n + 1);
  }

  if (account === null) return null;
  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-4" data-testid="api-keys">
      <h1 className="text-lg font-semibold text-white">Chaves de API</h1>
      <p className="text-sm text-gray-400">
        Programas usam <code className="text-gray-200">Authorization: Bearer &lt;chave&gt;</code>. O segredo aparece uma
        única vez, ao criar. Uma chave que só consulta lê a conta, as ordens e o mercado, mas não envia, altera nem
        cancela ordens, nem movimenta dinheiro.
      </p>
      <form onSubmit={(event) => void create(event)} className="flex items-end gap-2" noValidate>
        <div className="flex-1">
          <Field id="label" label="Nome da chave" error={error} placeholder="robô, planilha…" />
        </div>
        <SelectField id="access" name="access" label="Permissão" options={ACCESS} defaultValue="trade" />
        <button type="submit" className="rounded bg-sky-700 px-3 py-1.5 text-sm text-white hover:bg-sky-600">
          Criar chave
        </button>
      </form>
      {created !== null && (
        <div
          role="status"
          className="rounded border border-amber-500/40 bg-amber-500/10 p-3 text-sm"
          data-testid="new-key"
        >
          <p className="mb-1 text-amber-300">Copie agora — este segredo não será mostrado de novo:</p>
          <code className="break-all text-white" data-testid="new-key-token">
            {created.token}
          </code>
        </div>
      )}
      <table className="w-full text-sm">
        <thead className="text-xs text-muted">
          <tr>
            <th className="py-1 text-left font-normal">Nome</th>
            <th className="py-1 text-left font-normal">Permissão</th>
            <th className="py-1 text-left font-normal">Criada</th>
            <th className="py-1 text-left font-normal">Situação</th>
            <th>
              <span className="sr-only">Ações</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(keys ?? []).map((key) => (
            <tr key={key.keyId} className="border-t border-edge" data-testid="key-row">
              <td className="py-1.5">{key.label}</td>
              <td className="py-1.5 text-gray-300" data-testid="key-access">
                {accessWords(key.access)}
              </td>
              <td className="num py-1.5 text-gray-400">{new Date(key.createdAt).toLocaleString('pt-BR')}</td>
              <td className="py-1.5">{key.revokedAt === null ? 'ativa' : 'revogada'}</td>
              <td className="py-1.5 text-right">
                {key.revokedAt === null && (
                  <button type="button" className="text-rose-400" onClick={() => void revoke(key.keyId)}>
                    Revogar
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {revokeError !== null && (
        <p role="alert" className="text-sm text-rose-400" data-testid="revoke-error">
          {revokeError}
        </p>
      )}
      {keys?.length === 0 && (
        <p className="py-3 text-xs text-muted" data-testid="empty-list">
          Nenhuma chave ainda: crie uma para um programa operar pela API.
        </p>
      )}
    </div>
  );
}
