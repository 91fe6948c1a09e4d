import { describe, expect, it } from 'vitest';
import { AmendOrderRequest, ApiErrorBody, PlaceOrderRequest, toOrderFields, type FieldError } from '../src/index.js';
import { PETR4 } from './fixtures.js';

function fieldsAtFault(body: unknown, instrument = PETR4): FieldError[] {
  const request = PlaceOrderRequest.parse(body);
  const result = toOrderFields(request, instrument);
  return result.ok ? [] : result.error;
}

describe('PlaceOrderRequest → order fields', () => {
  it('converts decimal strings to cents and shares, with defaults', () => {
    const request = PlaceOrderRequest.parse({
      symbol: 'PETR4',
      side: 'buy',
      type: 'limit',
      price: '35.12',
      quantity: '100',
    });
    expect(toOrderFields(request, PETR4)).toEqual({
      ok: true,
      value: {
        side: 'buy',
        orderType: 'limit',
        timeInForce: 'GTC',
        expiresOn: null,
        price: 3512,
        stopPrice: null,
        trailingOffset: null,
        quantity: 100,
        postOnly: false,
        selfTradePrevention: 'cancel_newest',
        clientOrderId: null,
      },
    });
    const market = PlaceOrderRequest.parse({ symbol: 'PETR4', side: 'sell', type: 'market', quantity: '5' });
    expect(toOrderFields(market, PETR4)).toMatchObject({ ok: true, value: { timeInForce: 'IOC', price: null } });
  });

  it('takes the day a GTD order is good till, and refuses one without it or a date on another order', () => {
    const body = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '35.12', quantity: '100' } as const;
    const gtd = PlaceOrderRequest.parse({ ...body, timeInForce: 'GTD', expiresOn: '2027-01-15' });
    expect(toOrderFields(gtd, PETR4)).toMatchObject({
      ok: true,
      value: { timeInForce: 'GTD', expiresOn: '2027-01-15' },
    });
    const fieldsOf = (request: object) => {
      const result = toOrderFields(PlaceOrderRequest.parse(request), PETR4);
      return result.ok ? [] : result.error.map(({ field, code }) => `${field}:${code}`);
    };
    expect(fieldsOf({ ...body, timeInForce: 'GTD' })).toEqual(['expiresOn:required']);
    expect(fieldsOf({ ...body, timeInForce: 'DAY', expiresOn: '2027-01-15' })).toEqual(['expiresOn:not_allowed']);
    expect(PlaceOrderRequest.safeParse({ ...body, timeInForce: 'GTD', expiresOn: '15/01/2027' }).success).toBe(false);
  });

  it('reports every field at fault with its code', () => {
    const errors = fieldsAtFault(
      { symbol: 'PETR4', side: 'buy', type: 'limit', price: '35.123', stopPrice: '1', quantity: '1e2' },
      { ...PETR4, lotSize: 100 },
    );
    expect(errors.map(({ field, code }) => [field, code])).toEqual([
      ['price', 'too_precise'],
      ['quantity', 'exponent'],
      ['stopPrice', 'not_allowed'],
    ]);
    expect(errors[0]?.message).toContain('price');
  });

  it('names the price band in decimals, as the trader writes prices', () => {
    const [error] = fieldsAtFault(
      { symbol: 'PETR4', side: 'buy', type: 'limit', price: '2000.00', quantity: '1' },
      PETR4,
    );
    expect(error).toEqual(expect.objectContaining({ field: 'price', code: 'price_out_of_band' }));
    expect(error?.message).toBe('price must be within the price band 1.00 to 1000.00');
  });

  it("refuses more shares than the instrument's most per order, saying how many it takes", () => {
    const limited = { ...PETR4, maxOrderQuantity: 1_000 };
    const body = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '35.12' };
    expect(fieldsAtFault({ ...body, quantity: '1000' }, limited)).toEqual([]);
    expect(fieldsAtFault({ ...body, quantity: '1001' }, limited)).toEqual([
      {
        field: 'quantity',
        code: 'quantity_over_limit',
        message: 'quantity must be at most 1000 shares per order in PETR4',
      },
    ]);
  });

  it.each([
    [{ price: '2000.00' }, 'price', 'price_out_of_band'],
    [{ price: '0.50' }, 'price', 'price_out_of_band'],
    [{ quantity: '150' }, 'quantity', 'off_lot'],
    [{ price: undefined }, 'price', 'required'],
    [{ type: 'stop_limit', price: '35.12' }, 'stopPrice', 'required'],
    [{ type: 'market', timeInForce: 'GTC', price: undefined }, 'timeInForce', 'not_allowed'],
    [{ postOnly: true, timeInForce: 'IOC' }, 'postOnly', 'not_allowed'],
    [{ trailingOffset: '0.10' }, 'trailingOffset', 'not_allowed'],
  ])('rejects %j at %s (%s)', (change, field, code) => {
    const body = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '35.12', quantity: '100', ...change };
    expect(fieldsAtFault(body, { ...PETR4, lotSize: 100 })).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('rejects unknown fields and missing ones at the schema', () => {
    expect(
      PlaceOrderRequest.safeParse({ symbol: 'PETR4', side: 'buy', type: 'limit', quantity: '1', extra: 1 }).success,
    ).toBe(false);
    expect(PlaceOrderRequest.safeParse({ symbol: 'PETR4', side: 'buy', type: 'limit' }).success).toBe(false);
    expect(PlaceOrderRequest.safeParse({ symbol: 'PETR4', side: 'buy', type: 'limit', quantity: 100 }).success).toBe(
      false,
    );
  });
});

describe('other HTTP bodies', () => {
  it('needs a change in an amend', () => {
    expect(AmendOrderRequest.safeParse({ price: '10.00' }).success).toBe(true);
    const empty = AmendOrderRequest.safeParse({});
    expect(empty.success).toBe(false);
    expect(empty.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [[], 'must set at least one of price, quantity, stopPrice, trailingOffset or expiresOn'],
    ]);
  });

  it('describes errors with a code, a message and details', () => {
    const body = {
      code: 'validation_failed',
      message: 'bad',
      details: { fields: [{ field: 'price', code: 'off_tick', message: 'x' }] },
    };
    expect(ApiErrorBody.parse(body)).toEqual(body);
    expect(ApiErrorBody.safeParse({ code: 'oops', message: 'bad', details: {} }).success).toBe(false);
  });
});

describe('instrument view', () => {
  it('shows prices as decimal strings', async () => {
    const { InstrumentView, toInstrumentView } = await import('../src/index.js');
    const view = toInstrumentView(PETR4);
    expect(view).toEqual({
      symbol: 'PETR4',
      name: 'Petrobras PN',
      currency: 'BRL',
      tickSize: '0.01',
      lotSize: '1',
      priceBand: { min: '1.00', max: '1000.00' },
      referencePrice: null,
      volatilityAuction: null,
      maxOrderQuantity: null,
    });
    expect(InstrumentView.parse(view)).toEqual(view);
    expect(toInstrumentView({ ...PETR4, priceBand: null }).priceBand).toBeNull();
    expect(toInstrumentView({ ...PETR4, referencePrice: 3805 }).referencePrice).toBe('38.05');
    const tunnelled = { ...PETR4, volatilityAuction: { tunnelBps: 750, seconds: 300 } };
    expect(toInstrumentView(tunnelled).volatilityAuction).toEqual({ tunnelPercent: '7.50', seconds: 300 });
    expect(toInstrumentView({ ...PETR4, maxOrderQuantity: 100_000 }).maxOrderQuantity).toBe('100000');
  });
});
