'use client';
import { useState, type FormEvent } from 'react';
import { api, ApiFailure } from '../lib/api';
import { AttemptKeys, isAnswer } from '../lib/attempt-keys';
import { failureText, fieldText } from '../lib/error-text';
import { decimalInput, formatBRL } from '../lib/format';

const TEXT = {
  deposit: { path: '/api/me/deposits', label: 'Valor do depósito', placeholder: 'Depositar R$', button: 'Depositar' },
  withdrawal: { path: '/api/me/withdrawals', label: 'Valor do saque', placeholder: 'Sacar R$', button: 'Sacar' },
} as const;

/** What went wrong, in the trader's words. */
function transferFailure(failure: unknown): string {
  if (!(failure instanceof ApiFailure)) return 'Não foi possível falar com a corretora; tente de novo.';
  const field = failure.fields[0];
  if (failure.code === 'insufficient_funds') {
    const available = failure.details['available'];
    const free = typeof available === 'string' ? `: há ${formatBRL(available)} para sacar` : '';
    return `Saldo disponível insuficiente${free}.`;
  }
  if (field?.code === 'too_large') return `No máximo ${formatBRL(100_000_000)} por vez.`;
  if (field?.field === 'amount') return 'Informe um valor como 150,00.';
  return field === undefined ? failureText(failure) : fieldText(field);
}

/** Demo money in or out of the wallet; a retry after no answer is never a second transfer (`AttemptKeys`). */
export function TransferForm({ kind }: { kind: 'deposit' | 'withdrawal' }) {
  const text = TEXT[kind];
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [attempts] = useState(() => new AttemptKeys());

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const value = decimalInput(amount);
    const key = attempts.keyFor(value);
    setError(null);
    setDone(null);
    setBusy(true);
    try {
      await api('POST', text.path, { amount: value }, { 'idempotency-key': key });
      attempts.answered();
      setAmount('');
      setDone(`${kind === 'deposit' ? 'Depósito' : 'Saque'} de ${formatBRL(value)} feito.`);
    } catch (failure) {
      if (isAnswer(failure)) attempts.answered();
      setError(transferFailure(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} className="flex items-start gap-2" noValidate>
      <div className="flex flex-1 flex-col gap-1">
        <label htmlFor={`${kind}-amount`} className="sr-only">
          {text.label}
        </label>
        <input
          id={`${kind}-amount`}
          inputMode="decimal"
          placeholder={text.placeholder}
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
          aria-invalid={error !== null}
          className="num rounded border border-gray-700 bg-gray-950 px-2 py-1 text-sm"
        />
        {error !== null && (
          <p role="alert" className="text-xs text-rose-400" data-testid={`${kind}-error`}>
            {error}
          </p>
        )}
        {done !== null && (
          <p role="status" className="text-xs text-emerald-400" data-testid={`${kind}-done`}>
            {done}
          </p>
        )}
      </div>
      <button
        type="submit"
        disabled={busy}
        // One width for "Depositar" and "Sacar", so that the two forms' fields line up one above the other.
        className="w-24 rounded bg-gray-700 px-3 py-1 text-sm text-white hover:bg-gray-600 disabled:opacity-50"
      >
        {text.button}
      </button>
    </form>
  );
}
