'use client';
import { useState, type FormEvent } from 'react';
import { api, ApiFailure } from '../lib/api';
import { decimalInput } from '../lib/format';

/** Demo money: add cash to the wallet. */
export function DepositForm() {
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setDone(false);
    try {
      await api('POST', '/api/me/deposits', { amount: decimalInput(amount) });
      setAmount('');
      setDone(true);
    } catch (failure) {
      setError(failure instanceof ApiFailure ? (failure.fields[0]?.message ?? failure.message) : 'falhou');
    }
  }
  return (
    <form onSubmit={(event) => void submit(event)} className="flex items-start gap-2" noValidate>
      <div className="flex flex-1 flex-col gap-1">
        <label htmlFor="deposit-amount" className="sr-only">
          Valor do depósito
        </label>
        <input
          id="deposit-amount"
          inputMode="decimal"
          placeholder="Depositar R$"
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
          aria-invalid={error !== null}
          className="num rounded border border-gray-700 bg-gray-950 px-2 py-1 text-sm"
        />
        {error !== null && (
          <p role="alert" className="text-xs text-rose-400" data-testid="deposit-error">
            {error}
          </p>
        )}
        {done && (
          <p role="status" className="text-xs text-emerald-400" data-testid="deposit-done">
            Depósito feito.
          </p>
        )}
      </div>
      <button type="submit" className="rounded bg-gray-700 px-3 py-1 text-sm text-white hover:bg-gray-600">
        Depositar
      </button>
    </form>
  );
}
