import { formatCents, formatQuantity, type FieldError } from '@bolsa/contracts';

/** What an amend asks for, in integer units; null where it leaves the order's term as it is. */
export interface AmendTerms {
  readonly price: number | null;
  readonly quantity: number | null;
  readonly stopPrice: number | null;
  readonly trailingOffset: number | null;
  /** A GTD order's new last day (`YYYY-MM-DD`). */
  readonly expiresOn: string | null;
}

/** An order's terms as its row has them, read under the amend's lock. */
export interface RecordedTerms {
  readonly price: string | null;
  readonly quantity: string;
  readonly stop_price: string | null;
  readonly trailing_offset: string | null;
  readonly expires_on: string | null;
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
  if (requested.stopPrice !== null && order.trailing_offset !== null) return null;
  const given: { field: keyof AmendTerms; same: boolean; shown: string }[] = [];
  const compare = (
    field: keyof AmendTerms,
    value: number | null,
    recorded: string | null,
    format: (value: number) => string,
  ) => {
    if (value === null) return;
    given.push({ field, same: recorded !== null && BigInt(recorded) === BigInt(value), shown: format(value) });
  };
  compare('price', requested.price, order.price, formatCents);
  compare('quantity', requested.quantity, order.quantity, formatQuantity);
  compare('stopPrice', requested.stopPrice, order.stop_price, formatCents);
  compare('trailingOffset', requested.trailingOffset, order.trailing_offset, formatCents);
  if (requested.expiresOn !== null) {
    given.push({ field: 'expiresOn', same: requested.expiresOn === order.expires_on, shown: requested.expiresOn });
  }
  if (given.length === 0 || given.some(({ same }) => !same)) return null;
  return given.map(({ field, shown }) => ({
    field,
    code: 'unchanged',
    message: `${field} is already ${shown}: the amend would change nothing`,
  }));
}
