'use client';
import type { FieldError, SessionView } from '@bolsa/contracts';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api, ApiFailure } from '../lib/api';
import { byField, failureText } from '../lib/error-text';
import { Field } from './field';
import { useSession } from './session';

/** A field the API refused, in the trader's words (the API's own text for a code not listed). */
function authFieldText(field: FieldError, mode: 'login' | 'signup'): string {
  if (field.code === 'too_big') return 'Longo demais.';
  if (field.code === 'invalid_format' && field.field === 'email')
    return 'Informe um e-mail válido, como nome@exemplo.com.';
  if (field.code !== 'too_small') return field.message;
  if (field.field === 'name') return 'Informe seu nome.';
  if (field.field === 'email') return 'Informe seu e-mail.';
  return mode === 'signup' ? 'Use pelo menos 10 caracteres.' : 'Informe a senha.';
}

/** Log in or sign up; the API's field errors are shown on the fields. */
export function AuthForm({ mode }: { mode: 'login' | 'signup' }) {
  const router = useRouter();
  const next = useSearchParams().get('next');
  const { signedIn } = useSession();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const body = Object.fromEntries(
      (mode === 'signup' ? ['name', 'email', 'password'] : ['email', 'password']).map((key) => [
        key,
        String(data.get(key) ?? ''),
      ]),
    );
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      const session = await api<SessionView>('POST', `/api/auth/${mode}`, body);
      signedIn(session);
      router.push(next !== null && next.startsWith('/') ? next : '/trade/PETR4');
    } catch (error) {
      if (error instanceof ApiFailure) {
        // A field the answer's own code is about (an e-mail taken) is worded as the answer is.
        setErrors(
          byField(error.fields, (field) =>
            field.code === error.code ? failureText(error) : authFieldText(field, mode),
          ),
        );
        setMessage(error.fields.length === 0 ? failureText(error) : null);
      } else {
        setMessage('Não foi possível falar com o servidor.');
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border border-edge bg-panel p-6">
      <h1 className="mb-4 text-lg font-semibold text-white">{mode === 'login' ? 'Entrar' : 'Criar conta'}</h1>
      <form onSubmit={(event) => void submit(event)} className="flex flex-col gap-3" noValidate>
        {mode === 'signup' && <Field id="name" label="Nome" autoComplete="name" error={errors['name']} required />}
        <Field id="email" label="E-mail" type="email" autoComplete="email" error={errors['email']} required />
        <Field
          id="password"
          label="Senha"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          error={errors['password']}
          required
        />
        {message !== null && (
          <p role="alert" className="text-sm text-rose-400" data-testid="form-error">
            {message}
          </p>
        )}
        <button
          type="submit"
          disabled={busy}
          className="mt-2 rounded bg-sky-700 px-3 py-2 text-sm font-medium text-white hover:bg-sky-600 disabled:opacity-50"
        >
          {mode === 'login' ? 'Entrar' : 'Criar conta'}
        </button>
      </form>
      <p className="mt-4 text-sm text-gray-400">
        {mode === 'login' ? (
          <>
            Novo por aqui?{' '}
            <Link className="text-sky-400 underline" href="/signup">
              Crie sua conta
            </Link>
          </>
        ) : (
          <>
            Já tem conta?{' '}
            <Link className="text-sky-400 underline" href="/login">
              Entre
            </Link>
          </>
        )}
      </p>
    </div>
  );
}
