import {
  buyHoldPrice,
  cashHoldFor,
  feeOn,
  orderProtection,
  refusedInAuction,
  toOrderFields,
  type FeeSchedule,
  type Instrument,
  type InstrumentView,
  type OrderType,
  type PlaceOrderRequest,
  type Side,
  type TimeInForce,
  type TradingCalendarView,
  type WalletView,
} from '@bolsa/contracts';
import { goodTillProblem } from './calendar';
import { fieldTexts } from './error-text';
import { centsOf, decimalInput, priceInput, wholeInput } from './format';

/** What the order ticket holds while the trader types: strings, exactly as entered. */
export interface TicketForm {
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  /** The day a GTD order is good till, `YYYY-MM-DD` as a date input gives it; empty when none is picked. */
  readonly expiresOn: string;
  readonly price: string;
  readonly stopPrice: string;
  /** A stop order's trailing distance ("stop móvel"); empty for a fixed stop. */
  readonly trailingOffset: string;
  readonly quantity: string;
}

/** The contracts' instrument back from its HTTP view (decimal strings → integer units). */
export function instrumentOf(view: InstrumentView): Instrument {
  return {
    symbol: view.symbol,
    name: view.name,
    currency: view.currency,
    tickSize: centsOf(view.tickSize) ?? 1,
    lotSize: Number(view.lotSize),
    priceBand:
      view.priceBand === null ? null : { min: centsOf(view.priceBand.min) ?? 0, max: centsOf(view.priceBand.max) ?? 0 },
    referencePrice: centsOf(view.referencePrice),
    ...(view.maxOrderQuantity === null || view.maxOrderQuantity === undefined
      ? {}
      : { maxOrderQuantity: Number(view.maxOrderQuantity) }),
  };
}

export const needsPrice = (type: OrderType) => type === 'limit' || type === 'stop_limit';
export const needsStop = (type: OrderType) => type === 'stop_limit' || type === 'stop_market';

/** The request body the ticket stands for: fields a type does not use are left out. */
export function requestOf(form: TicketForm, symbol: string): PlaceOrderRequest {
  const price = decimalInput(form.price);
  const stopPrice = decimalInput(form.stopPrice);
  const trailingOffset = decimalInput(form.trailingOffset);
  return {
    symbol,
    side: form.side,
    type: form.type,
    ...(form.type === 'market' ? {} : { timeInForce: form.timeInForce }),
    ...(form.type !== 'market' && form.timeInForce === 'GTD' && form.expiresOn !== ''
      ? { expiresOn: form.expiresOn }
      : {}),
    ...(needsPrice(form.type) && price !== '' ? { price } : {}),
    ...(needsStop(form.type) && stopPrice !== '' ? { stopPrice } : {}),
    ...(needsStop(form.type) && trailingOffset !== '' ? { trailingOffset } : {}),
    quantity: wholeInput(form.quantity),
  };
}

export type TicketCheck =
  | { readonly ok: true; readonly request: PlaceOrderRequest }
  | { readonly ok: false; readonly errors: Record<string, string> };

/**
 * The same rules the API applies (tick, lot, band, which fields a type needs, a GTD order's day as far as the
 * exchange's calendar tells), checked before sending.
 */
export function checkTicket(
  form: TicketForm,
  instrument: Instrument,
  calendar: TradingCalendarView | null = null,
  reopensAt: string | null = null,
): TicketCheck {
  const inAuction = (calendar?.auctionEndsAt ?? reopensAt) !== null;
  const request = requestOf(form, instrument.symbol);
  const fields = toOrderFields(request, instrument);
  const dayProblem = request.expiresOn === undefined ? null : goodTillProblem(request.expiresOn, calendar);
  const errors = [
    ...(fields.ok ? [] : fields.error),
    ...(dayProblem === null ? [] : [{ field: 'expiresOn', code: dayProblem, message: dayProblem }]),
    ...(fields.ok && inAuction && refusedInAuction(fields.value)
      ? [{ field: auctionField(fields.value), code: 'auction_call', message: 'auction_call' }]
      : []),
  ];
  return errors.length === 0 ? { ok: true, request } : { ok: false, errors: fieldTexts(errors, { rules: instrument }) };
}

/** The field that makes an order one a call auction refuses: its type, time in force or post-only. */
function auctionField(order: { orderType: OrderType; postOnly: boolean }): string {
  if (order.orderType === 'market') return 'type';
  return order.postOnly ? 'postOnly' : 'timeInForce';
}

/**
 * Moves a price by whole ticks, never below one tick, written as the ticket shows prices ("35,11"). An empty field
 * starts at the band's floor, or, for a distance (`from: 'zero'`), at nothing.
 */
export function stepPrice(text: string, ticks: number, instrument: Instrument, from: 'band' | 'zero' = 'band'): string {
  const start = from === 'zero' ? 0 : (instrument.priceBand?.min ?? instrument.tickSize);
  const cents = centsOf(decimalInput(text)) ?? start;
  const snapped = Math.round(cents / instrument.tickSize) * instrument.tickSize;
  const next = Math.max(instrument.tickSize, snapped + ticks * instrument.tickSize);
  return priceInput(next);
}

/** Moves a quantity by whole lots, never below one lot. */
export function stepQuantity(text: string, lots: number, instrument: Instrument): string {
  const shares = Number.parseInt(wholeInput(text), 10);
  const current = Number.isFinite(shares) ? Math.round(shares / instrument.lotSize) * instrument.lotSize : 0;
  return String(Math.max(instrument.lotSize, current + lots * instrument.lotSize));
}

export interface Estimate {
  /** price × quantity, in cents; null when the price is not known (a market order without a last price). */
  readonly notional: number | null;
  /** the largest fee the order could pay (the taker rate), rounded down as the exchange does */
  readonly fee: number | null;
}

/**
 * The protection price the API will give the ticket's order (`orderProtection`), in cents, `marketPrice` being the
 * last price or the reference price before the first trade. Null for limit orders and when the price is not known.
 */
export function protectionOf(form: TicketForm, instrument: Instrument, marketPrice: number | null): number | null {
  const order = { orderType: form.type, side: form.side, stopPrice: centsOf(decimalInput(form.stopPrice)) };
  return orderProtection(instrument, order, marketPrice);
}

/**
 * The cash a market or stop-market buy sets aside, in cents, as the API computes it: its quantity at its
 * protection price (at the band's top when it has none), plus the largest fee. Null for other orders (a limit buy
 * holds its estimate) and when the quantity or the price is unknown.
 */
export function unpricedBuyHold(
  form: TicketForm,
  instrument: Instrument,
  fees: FeeSchedule,
  marketPrice: number | null,
): number | null {
  const quantity = Number.parseInt(wholeInput(form.quantity), 10);
  if (form.side !== 'buy' || needsPrice(form.type) || !Number.isFinite(quantity) || quantity <= 0) return null;
  const price = buyHoldPrice(
    { orderType: form.type, price: null },
    instrument,
    protectionOf(form, instrument, marketPrice),
  );
  return price === null ? null : Number(cashHoldFor(BigInt(quantity), BigInt(price), largestFeeBps(fees)));
}

/**
 * The largest quantity (in whole lots) the ticket's order can be for: a sell, the shares available; a buy, what
 * the available cash holds at the order's hold price (its limit, or the protection price of a market order) with
 * the largest fee, as the API computes the hold. Null when the wallet or the price is not known.
 */
export function maxQuantity(
  form: TicketForm,
  instrument: Instrument,
  fees: FeeSchedule,
  wallet: WalletView | null,
  marketPrice: number | null,
): number | null {
  if (wallet === null) return null;
  const lot = instrument.lotSize;
  // What the wallet allows, but never more than one order may ask for.
  const most = (quantity: number) => Math.min(quantity, instrument.maxOrderQuantity ?? quantity);
  if (form.side === 'sell') {
    const shares = Number(wallet.positions.find((p) => p.symbol === instrument.symbol)?.available ?? '0');
    return most(Math.floor(shares / lot) * lot);
  }
  const limit = needsPrice(form.type) ? centsOf(decimalInput(form.price)) : null;
  const protection = protectionOf(form, instrument, marketPrice);
  const price = buyHoldPrice({ orderType: form.type, price: limit }, instrument, protection);
  const cash = centsOf(wallet.cash.available);
  if (price === null || price <= 0 || cash === null) return null;
  const bps = largestFeeBps(fees);
  const fits = (lots: number) => cashHoldFor(BigInt(lots * lot), BigInt(price), bps) <= BigInt(cash);
  let lots = Math.floor((cash * 10_000) / (price * lot * (10_000 + bps)));
  // The fee rounds down, so a lot more may still fit.
  while (fits(lots + 1)) lots += 1;
  return most(lots * lot);
}

/** The fee rate a buy holds for: the larger of maker and taker, as the API's hold does. */
function largestFeeBps(fees: FeeSchedule): number {
  return Math.max(fees.makerBps, fees.takerBps);
}

/**
 * Whether a stop order would fire as soon as it reaches the book: the last trade (`lastPrice`, cents; null before
 * the first) is already at or past its stop, above for a buy, below for a sell.
 */
export function firesAtOnce(form: TicketForm, lastPrice: number | null): boolean {
  const stop = centsOf(decimalInput(form.stopPrice));
  if (!needsStop(form.type) || stop === null || lastPrice === null) return false;
  return form.side === 'buy' ? lastPrice >= stop : lastPrice <= stop;
}

/**
 * What the order would cost (or bring) at its price; a stop-market at its stop, where it becomes a market order
 * (unless the last trade is past it already); a market order at `reference` (the last price).
 */
export function estimate(form: TicketForm, fees: FeeSchedule, reference: number | null): Estimate {
  const quantity = Number.parseInt(wholeInput(form.quantity), 10);
  const price = needsPrice(form.type)
    ? centsOf(decimalInput(form.price))
    : form.type === 'stop_market' && !firesAtOnce(form, reference)
      ? centsOf(decimalInput(form.stopPrice))
      : reference;
  if (!Number.isFinite(quantity) || quantity <= 0 || price === null) return { notional: null, fee: null };
  const notional = price * quantity;
  return { notional, fee: Number(feeOn(BigInt(notional), largestFeeBps(fees))) };
}
