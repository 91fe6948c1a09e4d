'use client';
import type { PriceAlertCondition, PriceAlertView } from '@bolsa/contracts';
import { useState, type FormEvent } from 'react';
import { alertState, alertText } from '../lib/alerts';
import { api, ApiFailure } from '../lib/api';
import { failureText, fieldText, NO_ANSWER_TEXT } from '../lib/error-text';
import { decimalInput, formatPrice } from '../lib/format';

/** Why an alert was not created or deleted, in the trader's words. */
function alertFailure(failure: unknown): string {
  if (!(failure instanceof ApiFailure)) return NO_ANSWER_TEXT;
  const field = failure.fields[0];
  if (field?.field === 'price') return 'Informe um preço como 42,00.';
  return field === undefined ? failureText(failure) : fieldText(field);
}

/**
 * The trader's price alerts: one made here for the instrument on screen (none without one: the account page lists
 * them only), those of every instrument listed, each deletable. The list is the screen's, which the account stream
 * keeps up to date as alerts go off.
 */
export function PriceAlerts({
  symbol,
  lastPrice,
  alerts,
  onCreated,
  onDeleted,
}: {
  symbol: string | null;
  /** Cents; the price field's hint. */
  lastPrice: number | null;
  alerts: readonly PriceAlertView[] | null;
  onCreated: (alert: PriceAlertView) => void;
  onDeleted: (alertId: string) => void;
}) {
  const [condition, setCondition] = useState<PriceAlertCondition>('at_or_above');
  const [price, setPrice] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function create(event: FormEvent) {
    event.preventDefault();
    if (busy || symbol === null) return;
    setError(null);
    setBusy(true);
    try {
      onCreated(await api<PriceAlertView>('POST', '/api/alerts', { symbol, condition, price: decimalInput(price) }));
      setPrice('');
    } catch (failure) {
      setError(alertFailure(failure));
    } finally {
      setBusy(false);
    }
  }

  async function remove(alert: PriceAlertView) {
    setError(null);
    try {
      await api('DELETE', `/api/alerts/${alert.id}`);
      onDeleted(alert.id);
    } catch (failure) {
      // Gone already (deleted in another window): it goes from this list too.
      if (failure instanceof ApiFailure && failure.code === 'not_found') onDeleted(alert.id);
      else setError(alertFailure(failure));
    }
  }

  return (
    <section
      className="rounded border border-edge bg-panel p-3"
      aria-label="Alertas de preço"
      data-testid="price-alerts"
    >
      <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-gray-400">Alertas de preço</h2>
      {symbol === null && <p className="text-xs text-gray-400">Crie alertas na tela de negociação de cada ativo.</p>}
      {symbol !== null && (
        <form onSubmit={(event) => void create(event)} className="flex items-start gap-2" noValidate aria-busy={busy}>
          <label htmlFor="alert-condition" className="sr-only">
            Condição do alerta
          </label>
          <select
            id="alert-condition"
            value={condition}
            onChange={(event) => setCondition(event.target.value as PriceAlertCondition)}
            className="rounded border border-gray-700 bg-gray-950 px-1 py-1 text-sm"
          >
            <option value="at_or_above">{symbol} sobe a</option>
            <option value="at_or_below">{symbol} cai a</option>
          </select>
          <label htmlFor="alert-price" className="sr-only">
            Preço do alerta
          </label>
          <input
            id="alert-price"
            inputMode="decimal"
            autoComplete="off"
            placeholder={lastPrice === null ? 'R$' : formatPrice(lastPrice)}
            value={price}
            onChange={(event) => setPrice(event.target.value)}
            aria-invalid={error !== null}
            className="num w-20 min-w-0 flex-1 rounded border border-gray-700 bg-gray-950 px-2 py-1 text-right text-sm"
          />
          <button
            type="submit"
            disabled={busy}
            className="rounded bg-gray-700 px-3 py-1 text-sm text-white hover:bg-gray-600 disabled:opacity-50"
          >
            Criar
          </button>
        </form>
      )}
      {error !== null && (
        <p role="alert" className="mt-1 text-xs text-rose-400" data-testid="alert-error">
          {error}
        </p>
      )}
      {alerts !== null && alerts.length === 0 && <p className="mt-2 text-xs text-gray-400">Nenhum alerta.</p>}
      <ul className="mt-2 flex flex-col gap-1 text-sm">
        {alerts?.map((alert) => (
          <li
            key={alert.id}
            data-testid="alert-row"
            data-state={alert.triggeredAt === null ? 'waiting' : 'set-off'}
            className="flex items-start justify-between gap-2"
          >
            <div className="flex min-w-0 flex-col">
              <span className="num text-gray-200">{alertText(alert)}</span>
              <span className={`text-xs ${alert.triggeredAt === null ? 'text-gray-400' : 'text-sky-300'}`}>
                {alertState(alert)}
              </span>
            </div>
            <button
              type="button"
              onClick={() => void remove(alert)}
              aria-label={`Excluir alerta ${alertText(alert)}`}
              className="rounded px-1 text-xs text-gray-400 hover:bg-gray-800 hover:text-white"
            >
              Excluir
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
