import type {
  AmendRejectedView,
  FillView,
  OrderEventView,
  PriceAlertView,
  Side,
  StopTriggeredView,
} from '@bolsa/contracts';
import { alertNoticeText } from './alerts';
import { centsOf, formatBRL, formatQuantity } from './format';
import { orderStatusText, reasonText } from './order-status';

/** What the trader is told as their orders trade: one notice per order, its fills summed. */
export interface ExecutionNotice {
  readonly kind: 'execution';
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: number;
  /** Σ price × quantity of the fills, in cents: the average price is notional / quantity. */
  readonly notional: number;
  /** Whether the fills were at more than one price (the notice then gives their average). */
  readonly severalPrices: boolean;
  readonly lastPrice: number;
  /** When it last changed, by the browser's clock (notices fade some seconds after). */
  readonly shownAt: number;
}

/**
 * An order (or an amend of one) the exchange refused, or an order it ended short of filling for a reason other than
 * the trader's own cancel; a stop order of theirs that fired; or a price alert of theirs that went off.
 */
export interface OutcomeNotice {
  readonly kind: 'outcome' | 'stop' | 'alert';
  /** The order's id; for an alert, the alert's. */
  readonly orderId: string;
  readonly text: string;
  readonly shownAt: number;
}

export type Notice = ExecutionNotice | OutcomeNotice;

export const NOTICE_MS = 6_000;
const MAX_NOTICES = 3;

/** The notice joins the front; an earlier one of the same kind for the same order gives way to it. */
function upsert(notices: readonly Notice[], notice: Notice): Notice[] {
  const others = notices.filter((other) => other.kind !== notice.kind || other.orderId !== notice.orderId);
  return [notice, ...others].slice(0, MAX_NOTICES);
}

/** Adds fills from the trader's stream: an order's later fills join its notice. */
export function addFills(notices: readonly Notice[], fills: readonly FillView[], now: number): Notice[] {
  let next = [...notices];
  for (const fill of fills) {
    const price = centsOf(fill.price);
    const quantity = Number(fill.quantity);
    if (price === null || !Number.isFinite(quantity)) continue;
    const earlier = next.find(
      (notice): notice is ExecutionNotice => notice.kind === 'execution' && notice.orderId === fill.orderId,
    );
    next = upsert(next, {
      kind: 'execution',
      orderId: fill.orderId,
      symbol: fill.symbol,
      side: fill.side,
      quantity: (earlier?.quantity ?? 0) + quantity,
      notional: (earlier?.notional ?? 0) + price * quantity,
      severalPrices: earlier !== undefined && (earlier.severalPrices || earlier.lastPrice !== price),
      lastPrice: price,
      shownAt: now,
    });
  }
  return next;
}

/**
 * Adds what the trader did not ask for from their order events: a placement the exchange rejected, an order it
 * cancelled (no liquidity, IOC or FOK, self-trade prevention). Their own cancels and end-of-day expiries are
 * left to the orders table.
 */
export function addOrderEvents(notices: readonly Notice[], events: readonly OrderEventView[], now: number): Notice[] {
  let next = [...notices];
  for (const event of events) {
    const text = outcomeText(event);
    if (text !== null) next = upsert(next, { kind: 'outcome', orderId: event.orderId, text, shownAt: now });
  }
  return next;
}

/** Adds the trader's stop orders that fired: "Stop PETR4 disparado: negócio a R$ 37,50 (disparo R$ 37,60)". */
export function addStops(notices: readonly Notice[], stops: readonly StopTriggeredView[], now: number): Notice[] {
  let next = [...notices];
  for (const stop of stops) {
    const text = `Stop ${stop.symbol} disparado: negócio a ${formatBRL(stop.lastTradePrice)} (disparo ${formatBRL(stop.stopPrice)})`;
    next = upsert(next, { kind: 'stop', orderId: stop.orderId, text, shownAt: now });
  }
  return next;
}

/** Adds the trader's price alerts that went off: "Alerta: PETR4 negociado a R$ 42,10 (sobe a R$ 42,00)". */
export function addAlerts(notices: readonly Notice[], alerts: readonly PriceAlertView[], now: number): Notice[] {
  let next = [...notices];
  for (const alert of alerts) {
    next = upsert(next, { kind: 'alert', orderId: alert.id, text: alertNoticeText(alert), shownAt: now });
  }
  return next;
}

/** Adds the trader's amends the exchange refused: "Alteração da ordem PETR4 recusada (ordem desconhecida)". */
export function addAmendRejections(
  notices: readonly Notice[],
  rejections: readonly AmendRejectedView[],
  now: number,
): Notice[] {
  let next = [...notices];
  for (const rejection of rejections) {
    // The API checks an amend's values, so the engine's invalid_order for one means it changes nothing; its
    // stale_command, that the API withdrew an amend whose send had failed (503) and that never reached the book.
    const why =
      rejection.reason === 'invalid_order'
        ? 'a ordem já está assim'
        : rejection.reason === 'stale_command'
          ? 'não chegou à bolsa a tempo; a ordem segue como estava'
          : (reasonText('rejected', rejection.reason) ?? rejection.message);
    const text = `Alteração da ordem ${rejection.symbol} recusada (${why})`;
    next = upsert(next, { kind: 'outcome', orderId: rejection.orderId, text, shownAt: now });
  }
  return next;
}

/** Adds what a batch of the trader's stream events has to tell, in the order they came. */
export function addStreamEvents(
  notices: readonly Notice[],
  events: readonly { readonly kind: string; readonly data: unknown }[],
  now: number,
): readonly Notice[] {
  let next = notices;
  for (const event of events) {
    if (event.kind === 'fill') next = addFills(next, [event.data as FillView], now);
    else if (event.kind === 'order') next = addOrderEvents(next, [event.data as OrderEventView], now);
    else if (event.kind === 'stop') next = addStops(next, [event.data as StopTriggeredView], now);
    else if (event.kind === 'amend_rejected') {
      next = addAmendRejections(next, [event.data as AmendRejectedView], now);
    }
  }
  return next;
}

function outcomeText(event: OrderEventView): string | null {
  if (event.change === 'order_rejected') return `Ordem ${event.symbol} ${orderStatusText('rejected', event.reason)}`;
  if (event.change !== 'order_cancelled' || event.reason === 'requested') return null;
  const filled = Number(event.filledQuantity ?? 0);
  if (filled === 0) return `Ordem ${event.symbol} ${orderStatusText('cancelled', event.reason)}`;
  const why = reasonText('cancelled', event.reason);
  return `Ordem ${event.symbol}: ${formatQuantity(filled)} executadas, restante cancelado${why === undefined ? '' : ` (${why})`}`;
}

/** The notices still to show at `now`. */
export function liveNotices(notices: readonly Notice[], now: number): Notice[] {
  return notices.filter((notice) => now - notice.shownAt < NOTICE_MS);
}

/** "Compra executada: 10 PETR4 a R$ 38,00"; with fills at several prices, their average rounded to the cent. */
export function noticeText(notice: Notice): string {
  if (notice.kind !== 'execution') return notice.text;
  const what = notice.side === 'buy' ? 'Compra executada' : 'Venda executada';
  const average = Math.round(notice.notional / notice.quantity);
  const price = notice.severalPrices ? `${formatBRL(average)} em média` : formatBRL(average);
  return `${what}: ${formatQuantity(notice.quantity)} ${notice.symbol} a ${price}`;
}

export function noticeTone(notice: Notice): 'buy' | 'sell' | 'warning' | 'info' {
  if (notice.kind === 'execution') return notice.side;
  return notice.kind === 'outcome' ? 'warning' : 'info';
}
