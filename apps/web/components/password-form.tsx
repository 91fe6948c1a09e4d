'use client';
import { useState, type FormEvent } from 'react';
import { api, ApiFailure } from '../lib/api';
import { byField, failureText } from '../lib/error-text';
import { Field } from './field';

/** The API's field errors in the trader's words where its codes say enough. */
const CODES: Record<string, string> = {
  incorrect: 'Senha atual incorreta.',
  too_small: 'Use pelo menos 10 caracteres.',
  // the one rule of the new password that is not its length
  custom: 'Escolha uma senha diferente da atual.',
};

/** A new password, given the current one; the API ends the account's other sessions. */
export function PasswordForm() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const [currentPassword, newPassword, repeated] = ['current-password', 'new-password', 'repeat-password'].map(
      (name) => String(data.get(name) ?? ''),
    );
    setMessage(null);
    if (newPassword !== repeated) {
      setErrors({ 'repeat-password': 'As duas senhas novas não são iguais.' });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await api('POST', '/api/auth/password', { currentPassword, newPassword });
      form.reset();
      setMessage({ ok: true, text: 'Senha alterada. As outras sessões desta conta foram encerradas.' });
    } catch (failure) {
      const fields = byField(
        failure instanceof ApiFailure ? failure.fields : [],
        (field) => CODES[field.code] ?? field.message,
      );
      const current = fields['currentPassword'];
      const next = fields['newPassword'];
      if (current !== undefined || next !== undefined) {
        setErrors({
          ...(current === undefined ? {} : { 'current-password': current }),
          ...(next === undefined ? {} : { 'new-password': next }),
        });
      } else {
        setMessage({
          ok: false,
          text: failure instanceof ApiFailure ? failureText(failure) : 'Não foi possível alterar.',
        });
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} className="flex flex-col gap-2" noValidate>
      <Field
        id="current-password"
        label="Senha atual"
        type="password"
        autoComplete="current-password"
        error={errors['current-password']}
      />
      <Field
        id="new-password"
        label="Nova senha"
        type="password"
        autoComplete="new-password"
        error={errors['new-password']}
      />
      <Field
        id="repeat-password"
        label="Repita a nova senha"
        type="password"
        autoComplete="new-password"
        error={errors['repeat-password']}
      />
      {message !== null && (
        <p
          role={message.ok ? 'status' : 'alert'}
          className={`text-xs ${message.ok ? 'text-emerald-400' : 'text-rose-400'}`}
          data-testid="password-message"
        >
          {message.text}
        </p>
      )}
      <button
        type="submit"
        disabled={busy}
        className="self-end rounded bg-gray-700 px-3 py-1 text-sm text-white hover:bg-gray-600 disabled:opacity-50"
      >
        Alterar senha
      </button>
    </form>
  );
}
