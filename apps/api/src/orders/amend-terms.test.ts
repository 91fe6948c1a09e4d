import { describe, expect, it } from 'vitest';
import { unchangedAmend, type AmendTerms, type RecordedTerms } from './amend-terms.js';

const limit: RecordedTerms = {
  price: '3800',
  quantity: '100',
  stop_price: null,
  trailing_offset: null,
  expires_on: null,
  amends_sent: 2,
  amends_answered: 2,
};
const stopLimit: RecordedTerms = { ...limit, price: '3650', stop_price: '3700' };
const trailing: RecordedTerms = { ...stopLimit, trailing_offset: '50' };
const gtd: RecordedTerms = { ...limit, expires_on: '2026-12-11' };
const none: AmendTerms = { price: null, quantity: null, stopPrice: null, trailingOffset: null, expiresOn: null };

describe('an amend that changes nothing', () => {
  const refused: [string, RecordedTerms, Partial<AmendTerms>, string[]][] = [
    ['the same price', limit, { price: 3800 }, ['price']],
    ['the same quantity', limit, { quantity: 100 }, ['quantity']],
    ['the same price and quantity', limit, { price: 3800, quantity: 100 }, ['price', 'quantity']],
    ['the same stop and limit', stopLimit, { stopPrice: 3700, price: 3650 }, ['price', 'stopPrice']],
    ["a trailing stop's same distance", trailing, { trailingOffset: 50 }, ['trailingOffset']],
    ['the same last day', gtd, { expiresOn: '2026-12-11' }, ['expiresOn']],
    ['the same last day and price', gtd, { expiresOn: '2026-12-11', price: 3800 }, ['price', 'expiresOn']],
  ];
  it.each(refused)('is refused for %s, naming each field', (_name, order, asked, fields) => {
    const errors = unchangedAmend({ ...none, ...asked }, order);
    expect(errors?.map((error) => [error.field, error.code])).toEqual(fields.map((field) => [field, 'unchanged']));
  });

  it('says what the order already has', () => {
    expect(unchangedAmend({ ...none, price: 3800 }, limit)?.[0]?.message).toBe(
      'price is already 38.00: the amend would change nothing',
    );
  });

  const taken: [string, RecordedTerms, Partial<AmendTerms>][] = [
    ['a new price', limit, { price: 3790 }],
    ['a new quantity beside the same price', limit, { price: 3800, quantity: 90 }],
    ['a stop price for an order that has none (the API refuses it apart)', limit, { stopPrice: 3700 }],
    // The row says 38.00, but an amend on its way may have moved it: only the engine knows.
    ['the recorded price while another amend is on its way', { ...limit, amends_sent: 3 }, { price: 3800 }],
    // A trailing stop's stop moves with trades and the row follows a moment later.
    ["a trailing stop's recorded stop price", trailing, { stopPrice: 3700 }],
    ['a new last day', gtd, { expiresOn: '2026-12-14' }],
    ['a new last day beside the same price', gtd, { expiresOn: '2026-12-14', price: 3800 }],
  ];
  it.each(taken)('is not what %s is', (_name, order, asked) => {
    expect(unchangedAmend({ ...none, ...asked }, order)).toBeNull();
  });
});
