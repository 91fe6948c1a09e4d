import { formatCents, formatQuantity, type FieldError } from '@bolsa/contracts';

/** What an amend asks for, in integer units; null where it leaves the order's term as it is. */
export interface AmendTerms {
  readonly price: number | null;
  readonly quantity: number | null;
  readonly stopPrice: number | null;
  readonly trailingOffset: number | null;
}

/** An order's terms as its row has them, read under the amend's lock. */
export interface RecordedTerms {
  readonly price: string | null;
  readonly quantity: string;
  readonly stop_price: string | null;
  readonly trailing_offset: string | null;
  readonly amends_sent: number;
  readonly amends_answered: number;
}

/**
 * The refusal of an amend that asks for nothing the order does not already have (the engine would refuse it as
 * well, but only after the caller was told it was on its way), or null when it changes something.
 *
 * Only the row's terms are known here, so two cases count as a change and are left to the engine: while an amend
 * is still on its way (the row does not show it yet), and a trailing stop's stop price (it moves with every trade,
 * and the row follows a moment later).
 */
export function unchangedAmend(requested: AmendTerms, order: RecordedTerms): FieldError[] | null {
  if (order.amends_answered < order.amends_sent) return null;
  const given: [keyof AmendTerms, number, string | null, (value: number) => string][] = [];
  if (requested.price !== null) given.push(['price', requested.price, order.price, formatCents]);
  if (requested.quantity !== null) given.push(['quantity', requested.quantity, order.quantity, formatQuantity]);
  if (requested.stopPrice !== null) {
    if (order.trailing_offset !== null) return null;
    given.push(['stopPrice', requested.stopPrice, order.stop_price, formatCents]);
  }
  if (requested.trailingOffset !== null) {
    given.push(['trailingOffset', requested.trailingOffset, order.trailing_offset, formatCents]);
  }
  if (
    given.length === 0 ||
    given.some(([, value, recorded]) => recorded === null || BigInt(recorded) !== BigInt(value))
  ) {
    return null;
  }
  return given.map(([field, value, , format]) => ({
    field,
    code: 'unchanged',
    message: `${field} is already ${format(value)}: the amend would change nothing`,
  }));
}
