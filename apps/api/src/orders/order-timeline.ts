import {
  formatCents,
  formatQuantity,
  type EngineEvent,
  type OrderAcceptedEvent,
  type OrderTimelineEntry,
  type OrderUpdatedEvent,
} from '@bolsa/contracts';

/** One of the order's fills, as `trades` keeps it, from the order's side. */
export interface FillRow {
  id: string;
  sequence: number;
  price: string;
  quantity: string;
  fee: string;
  role: 'maker' | 'taker';
  executed_at: Date;
}

const cents = (value: number | null | undefined) => (value === null || value === undefined ? null : formatCents(value));

/** An order's terms as an accepted or amended event states them. */
function terms(event: OrderAcceptedEvent | OrderUpdatedEvent) {
  return {
    price: cents(event.price),
    stopPrice: cents(event.stopPrice),
    trailingOffset: cents(event.trailingOffset),
    quantity: formatQuantity(event.quantity),
  };
}

/**
 * What an engine event about the order says to its owner; null for what the timeline leaves out: a partial fill's
 * update (the fill itself says it, with its price) and events that are not about one order.
 */
export function eventStep(event: EngineEvent): OrderTimelineEntry | null {
  const step = { sequence: event.sequence, at: new Date(event.timestamp).toISOString() };
  switch (event.type) {
    case 'order_accepted':
      return { ...step, kind: 'accepted', ...terms(event) };
    case 'order_updated':
      if (event.change !== 'amended') return changeStep(event, step);
      return {
        ...step,
        kind: 'amended',
        ...terms(event),
        ...(event.expiresOn === undefined ? {} : { expiresOn: event.expiresOn }),
      };
    case 'order_filled':
      return { ...step, kind: 'filled' };
    case 'order_cancelled':
      return { ...step, kind: 'cancelled', reason: event.reason, quantity: formatQuantity(event.cancelledQuantity) };
    case 'order_expired':
      return { ...step, kind: 'expired', quantity: formatQuantity(event.expiredQuantity) };
    case 'stop_triggered':
      return {
        ...step,
        kind: 'stop_triggered',
        stopPrice: formatCents(event.stopPrice),
        lastTradePrice: formatCents(event.lastTradePrice),
      };
    case 'order_rejected':
      return { ...step, kind: 'rejected', command: event.commandType, reason: event.reason, message: event.message };
    case 'trade':
    case 'level_changed':
    case 'volatility_auction':
      return null;
  }
}

function changeStep(event: OrderUpdatedEvent, step: { sequence: number; at: string }): OrderTimelineEntry | null {
  switch (event.change) {
    case 'stop_moved':
      return event.stopPrice === null
        ? null
        : { ...step, kind: 'stop_moved', stopPrice: formatCents(event.stopPrice), price: cents(event.price) };
    case 'decremented':
      return {
        ...step,
        kind: 'decremented',
        quantity: formatQuantity(event.quantity),
        remainingQuantity: formatQuantity(event.remainingQuantity),
      };
    case 'partially_filled':
    case 'amended':
      return null;
  }
}

export function fillStep(fill: FillRow): OrderTimelineEntry {
  return {
    sequence: fill.sequence,
    at: fill.executed_at.toISOString(),
    kind: 'fill',
    tradeId: fill.id,
    price: formatCents(BigInt(fill.price)),
    quantity: formatQuantity(BigInt(fill.quantity)),
    fee: formatCents(BigInt(fill.fee)),
    role: fill.role,
  };
}

/**
 * One page of the timeline, oldest first: the steps of both sources in sequence order, at most `limit`. Each source
 * was read up to `limit` + 1 steps past the same position, so when more than `limit` are at hand, nothing left
 * unread can come before the page's last step, and the next page starts after it.
 */
export function timelinePage(
  sources: readonly (readonly OrderTimelineEntry[])[],
  limit: number,
): { items: OrderTimelineEntry[]; lastSequence: number | null } {
  const all = sources.flat().sort((a, b) => a.sequence - b.sequence);
  const items = all.slice(0, limit);
  return { items, lastSequence: all.length > limit ? (items.at(-1)?.sequence ?? null) : null };
}
