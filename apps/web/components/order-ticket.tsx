'use client';
import {
  type FeeSchedule,
  type Instrument,
  type OrderType,
  type OrderView,
  type TimeInForce,
  type WalletView,
} from '@bolsa/contracts';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../lib/api';
import { AttemptKeys, isAnswer } from '../lib/attempt-keys';
import {
  auctionText,
  closedText,
  dayOrderExpiry,
  firstGoodTillDay,
  goodTillExpiry,
  lastGoodTillDay,
  type InstrumentCall,
} from '../lib/calendar';
import { answerFieldTexts, failureText } from '../lib/error-text';
import { formatBRL, formatQuantity, priceInput } from '../lib/format';
import { reloadCalendars, useCalendar } from '../lib/use-calendar';
import { Field, SelectField } from './field';
import { useSession } from './session';
import {
  checkTicket,
  estimate,
  firesAtOnce,
  needsPrice,
  needsStop,
  protectionOf,
  stepPrice,
  stepQuantity,
  maxQuantity,
  unpricedBuyHold,
  type TicketForm,
} from '../lib/ticket';

const TYPES: Array<[OrderType, string]> = [
  ['limit', 'Limitada'],
  ['market', 'A mercado'],
  ['stop_limit', 'Stop limitada'],
  ['stop_market', 'Stop a mercado'],
];
const TIME_IN_FORCE: Array<[TimeInForce, string]> = [
  ['GTC', 'Até cancelar'],
  ['DAY', 'Do dia'],
  ['GTD', 'Até a data'],
  ['IOC', 'Executa ou cancela'],
  ['FOK', 'Tudo ou nada'],
];

export interface TicketProps {
  readonly instrument: Instrument;
  readonly fees: FeeSchedule;
  readonly wallet: WalletView | null;
  /** Last trade price in cents, for market order estimates. */
  readonly lastPrice: number | null;
  /** A price picked in the book, with a counter so picking the same price twice still applies. */
  readonly picked: { price: string; at: number } | null;
  readonly onPlaced: (order: OrderView) => void;
  /** Trading in the instrument is suspended: the API takes no new order until it resumes. */
  readonly halted?: boolean;
  /** Why it is suspended, as the exchange said; null when it did not say. */
  readonly haltReason?: string | null;
  /** When the instrument's own call auction (a reopening after a halt, a volatility auction) ends; null outside one. */
  readonly reopensAt?: string | null;
  /** Which of its own call auctions that is. */
  readonly call?: InstrumentCall;
}

/** Buy or sell: checks tick, lot and band as the API does, shows cost and fee, and the API's errors on the fields. */
export function OrderTicket({
  instrument,
  fees,
  wallet,
  lastPrice,
  picked,
  onPlaced,
  halted = false,
  haltReason = null,
  reopensAt = null,
  call = 'reopening',
}: TicketProps) {
  const [form, setForm] = useState<TicketForm>({
    side: 'buy',
    type: 'limit',
    timeInForce: 'GTC',
    expiresOn: '',
    price: '',
    stopPrice: '',
    trailingOffset: '',
    quantity: String(instrument.lotSize * 100),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [attempts] = useState(() => new AttemptKeys());
  const { account, refresh: refreshSession } = useSession();
  const { calendar } = useCalendar();
  const suspended = (account?.suspension ?? null) !== null;
  const marketClosed = closedText(calendar);
  const auction = auctionText(calendar, reopensAt, call);
  // Errors of the choices above the numbers (type, time in force, post-only) have no field of their own to show on.
  const choiceError = errors['type'] ?? errors['timeInForce'] ?? errors['postOnly'];
  const update = (change: Partial<TicketForm>) => {
    setForm((current) => ({ ...current, ...change }));
    setConfirming(false);
  };

  useEffect(() => {
    if (picked !== null) setForm((current) => ({ ...current, price: priceInput(picked.price) }));
  }, [picked]);
  // Start from the last price, as a broker's ticket does; before the first trade, from the exchange's reference.
  const marketPrice = lastPrice ?? instrument.referencePrice ?? null;
  /** The price the ticket filled in by itself, and whether it was the last trade's. */
  const autoPrice = useRef<{ text: string; fromLast: boolean } | null>(null);
  useEffect(() => {
    if (marketPrice === null) return;
    const auto = autoPrice.current;
    // Filled in once, but the reference price shown while the last trade was on its way gives way to it.
    if (auto !== null && (auto.fromLast || lastPrice === null)) return;
    const text = priceInput(marketPrice);
    const shown = auto?.text ?? '';
    autoPrice.current = { text, fromLast: lastPrice !== null };
    // Only a price nobody has touched since: one typed or picked in the book stays.
    setForm((current) => (current.price === shown ? { ...current, price: text } : current));
  }, [marketPrice, lastPrice]);

  const cost = estimate(form, fees, marketPrice);
  const protection = protectionOf(form, instrument, marketPrice);
  const hold = unpricedBuyHold(form, instrument, fees, marketPrice);
  const largest = maxQuantity(form, instrument, fees, wallet, marketPrice);
  const position = wallet?.positions.find((p) => p.symbol === instrument.symbol);
  const available =
    form.side === 'buy'
      ? `${formatBRL(wallet?.cash.available)} disponível`
      : `${formatQuantity(position?.available ?? '0')} ações disponíveis`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy || halted || suspended || marketClosed !== null) return;
    const check = checkTicket(form, instrument, calendar, reopensAt);
    setNotice(null);
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    setErrors({});
    if (form.type === 'market' && !confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    setBusy(true);
    try {
      const key = attempts.keyFor(JSON.stringify(check.request));
      const order = await api<OrderView>('POST', '/api/orders', check.request, { 'idempotency-key': key });
      attempts.answered();
      setNotice({
        ok: true,
        text: `Ordem enviada: ${order.side === 'buy' ? 'compra' : 'venda'} ${formatQuantity(order.quantity)} ${order.symbol}`,
      });
      onPlaced(order);
    } catch (error) {
      if (isAnswer(error)) {
        attempts.answered();
        const byField = answerFieldTexts(error, { rules: instrument });
        if (error.code === 'insufficient_funds' || error.code === 'insufficient_shares') {
          byField['quantity'] ??= failureText(error);
        }
        setErrors(byField);
        if (Object.keys(byField).length === 0) setNotice({ ok: false, text: failureText(error) });
        if (error.code === 'account_suspended') refreshSession();
        // Closed sooner than the page knew (an administrator closed the day): the page says so from now on.
        if (error.code === 'market_closed' || error.code === 'auction_call') reloadCalendars();
      } else {
        // Sent again, the order goes with the same Idempotency-Key: if the first one arrived, it is not placed twice.
        setNotice({ ok: false, text: 'A corretora não confirmou a ordem. Enviar de novo não a duplica.' });
      }
    } finally {
      setBusy(false);
    }
  }

  const sideButton = (side: 'buy' | 'sell', label: string) => (
    <button
      type="button"
      aria-pressed={form.side === side}
      onClick={() => update({ side })}
      className={`flex-1 rounded py-1.5 text-sm font-semibold ${
        form.side === side
          ? side === 'buy'
            ? 'bg-buy text-gray-950'
            : 'bg-sell text-gray-950'
          : 'bg-gray-800 text-gray-400'
      }`}
    >
      {label}
    </button>
  );
  const stepper = (field: 'price' | 'stopPrice' | 'trailingOffset' | 'quantity', label: string, hint?: string) => {
    const step = (by: number) =>
      update({
        [field]:
          field === 'quantity'
            ? stepQuantity(form[field], by, instrument)
            : stepPrice(form[field], by, instrument, field === 'trailingOffset' ? 'zero' : 'band'),
      });
    const error = errors[field];
    return (
      <div className="flex flex-col gap-1">
        <div className="flex items-baseline justify-between">
          <label htmlFor={`ticket-${field}`} className="text-xs text-gray-400">
            {label}
          </label>
          {field === 'quantity' && largest !== null && largest > 0 && (
            <button
              type="button"
              onClick={() => update({ quantity: String(largest) })}
              className="rounded px-1 text-[11px] text-sky-300 hover:bg-gray-800"
              title={form.side === 'buy' ? 'O que o saldo disponível compra' : 'Todas as ações disponíveis'}
              data-testid="ticket-max"
            >
              Máx. {formatQuantity(largest)}
            </button>
          )}
        </div>
        <div className="flex">
          <button
            type="button"
            aria-label={`${label} menos`}
            onClick={() => step(-1)}
            className="rounded-l border border-gray-700 bg-gray-800 px-2 text-gray-300"
          >
            −
          </button>
          <input
            id={`ticket-${field}`}
            name={field}
            inputMode="decimal"
            autoComplete="off"
            value={form[field]}
            placeholder={hint}
            onChange={(event) => update({ [field]: event.target.value })}
            aria-invalid={error !== undefined}
            aria-describedby={error === undefined ? undefined : `ticket-${field}-error`}
            className={`num w-full border-y bg-gray-950 px-2 py-1.5 text-right text-sm text-white outline-none focus:border-sky-500 ${
              error === undefined ? 'border-gray-700' : 'border-rose-500'
            }`}
          />
          <button
            type="button"
            aria-label={`${label} mais`}
            onClick={() => step(1)}
            className="rounded-r border border-gray-700 bg-gray-800 px-2 text-gray-300"
          >
            +
          </button>
        </div>
        {error !== undefined && (
          <p
            id={`ticket-${field}-error`}
            role="alert"
            className="text-xs text-rose-400"
            data-testid={`ticket-${field}-error`}
          >
            {error}
          </p>
        )}
      </div>
    );
  };

  return (
    <section className="rounded border border-edge bg-panel p-3" aria-label="Boleta" data-testid="order-ticket">
      <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-gray-400">Boleta — {instrument.symbol}</h2>
      <form onSubmit={(event) => void submit(event)} className="flex flex-col gap-2.5" noValidate aria-busy={busy}>
        <div className="flex gap-2">
          {sideButton('buy', 'Comprar')}
          {sideButton('sell', 'Vender')}
        </div>
        <div className="grid grid-cols-2 gap-2">
          <SelectField
            id="ticket-type"
            label="Tipo"
            options={TYPES}
            value={form.type}
            onChange={(event) => update({ type: event.target.value as OrderType })}
          />
          <SelectField
            id="ticket-tif"
            label="Validade"
            options={TIME_IN_FORCE}
            value={form.type === 'market' ? 'IOC' : form.timeInForce}
            disabled={form.type === 'market'}
            onChange={(event) => update({ timeInForce: event.target.value as TimeInForce })}
          />
        </div>
        {form.type !== 'market' && form.timeInForce === 'DAY' && (
          <p className="text-[11px] text-muted" data-testid="ticket-day-expiry">
            {dayOrderExpiry(calendar)}
          </p>
        )}
        {form.type !== 'market' && form.timeInForce === 'GTD' && (
          <div className="flex flex-col gap-1">
            <Field
              id="ticket-expires-on"
              label="Válida até"
              type="date"
              value={form.expiresOn}
              min={firstGoodTillDay(calendar) ?? undefined}
              max={lastGoodTillDay(calendar) ?? undefined}
              error={errors['expiresOn']}
              onChange={(event) => {
                update({ expiresOn: event.target.value });
                // Another day: what was said of the last one no longer holds.
                setErrors(({ expiresOn: _, ...others }) => others);
              }}
            />
            {form.expiresOn !== '' && errors['expiresOn'] === undefined && (
              <p className="text-[11px] text-muted" data-testid="ticket-gtd-expiry">
                {goodTillExpiry(form.expiresOn, calendar)}
              </p>
            )}
          </div>
        )}
        {needsStop(form.type) && stepper('stopPrice', 'Preço de disparo')}
        {firesAtOnce(form, lastPrice) && (
          <p className="text-[11px] text-amber-300" data-testid="ticket-fires-at-once">
            O último preço já atingiu o disparo: a ordem dispara assim que chegar à bolsa.
          </p>
        )}
        {needsStop(form.type) && stepper('trailingOffset', 'Stop móvel: distância', 'opcional')}
        {needsStop(form.type) && form.trailingOffset.trim() !== '' && (
          <p className="text-[11px] text-muted" data-testid="ticket-trailing-hint">
            O disparo acompanha o melhor preço negociado a esta distância
            {form.type === 'stop_limit' ? ', e o preço limite acompanha o disparo' : ''}.
          </p>
        )}
        {needsPrice(form.type) && stepper('price', 'Preço')}
        {stepper('quantity', 'Quantidade')}
        <dl className="num grid grid-cols-2 gap-y-0.5 text-xs">
          <dt className="text-gray-400">Total estimado</dt>
          <dd className="text-right" data-testid="ticket-total">
            {cost.notional === null ? '—' : formatBRL(cost.notional)}
          </dd>
          <dt className="text-gray-400">Taxa máxima</dt>
          <dd className="text-right">{cost.fee === null ? '—' : formatBRL(cost.fee)}</dd>
          {protection !== null && (
            <>
              <dt
                className="text-gray-400"
                title="A ordem não executa além deste preço (10% além do último preço, ou do preço de disparo); o restante é cancelado"
              >
                Proteção
              </dt>
              <dd className="text-right" data-testid="ticket-protection">
                {formatBRL(protection)}
              </dd>
            </>
          )}
          {hold !== null && (
            <>
              <dt
                className="text-gray-400"
                title={
                  protection === null
                    ? 'A ordem pode pagar até o limite da banda de preço'
                    : 'Quantidade ao preço de proteção, mais a taxa máxima'
                }
              >
                {protection === null ? 'Bloqueio (limite da banda)' : 'Bloqueio'}
              </dt>
              <dd className="text-right" data-testid="ticket-hold">
                {formatBRL(hold)}
              </dd>
            </>
          )}
          <dt className="col-span-2 text-muted" data-testid="ticket-available">
            {available}
          </dt>
        </dl>
        {confirming && (
          <p
            role="alert"
            className="rounded bg-amber-500/15 px-2 py-1.5 text-xs text-amber-300"
            data-testid="market-confirm"
          >
            Ordem a mercado: executa ao melhor preço disponível
            {protection === null ? '' : `, até ${formatBRL(protection)}`}. Confirme para enviar.
          </p>
        )}
        {choiceError !== undefined && (
          <p role="alert" className="text-xs text-rose-400" data-testid="ticket-choice-error">
            {choiceError}
          </p>
        )}
        {auction !== null && (
          <p
            role="status"
            className="rounded bg-sky-500/15 px-2 py-1 text-xs text-sky-200"
            data-testid="ticket-auction"
          >
            {auction}
          </p>
        )}
        {marketClosed !== null && (
          <p
            role="status"
            className="rounded bg-amber-500/15 px-2 py-1 text-xs text-amber-300"
            data-testid="ticket-market-closed"
          >
            {marketClosed}
          </p>
        )}
        {halted && (
          <p
            role="status"
            className="rounded bg-amber-500/15 px-2 py-1 text-xs text-amber-300"
            data-testid="ticket-halted"
          >
            Negociação de {instrument.symbol} suspensa{haltReason === null ? '' : ` (${haltReason})`}: novas ordens
            voltam quando for retomada. Cancelamentos continuam.
          </p>
        )}
        {suspended && (
          <p
            role="status"
            className="rounded bg-rose-500/15 px-2 py-1 text-xs text-rose-300"
            data-testid="ticket-suspended"
          >
            Conta suspensa: novas ordens voltam quando for reativada. Cancelamentos continuam.
          </p>
        )}
        <button
          type="submit"
          disabled={busy || halted || suspended || marketClosed !== null}
          className={`rounded py-2 text-sm font-semibold disabled:opacity-50 ${form.side === 'buy' ? 'bg-buy text-gray-950' : 'bg-sell text-gray-950'}`}
        >
          {/* Enter pressed again while an order is on its way sends nothing: the button says why. */}
          {busy
            ? 'Enviando…'
            : `${confirming ? 'Confirmar' : form.side === 'buy' ? 'Comprar' : 'Vender'} ${instrument.symbol}`}
        </button>
        {notice !== null && (
          <p
            role="status"
            className={`text-xs ${notice.ok ? 'text-emerald-400' : 'text-rose-400'}`}
            data-testid="ticket-notice"
          >
            {notice.text}
          </p>
        )}
      </form>
    </section>
  );
}
