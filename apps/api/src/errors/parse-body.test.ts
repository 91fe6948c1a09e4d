import { describe, expect, it } from 'vitest';
import { PlaceOrderRequest, SignupRequest } from '@bolsa/contracts';
import { ApiError } from './api-error.js';
import { parseBody } from './parse-body.js';

function refusal(schema: Parameters<typeof parseBody>[0], body: unknown): ApiError {
  try {
    parseBody(schema, body);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('the body was accepted');
}

const order = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '38.00', quantity: '10' };

describe('parseBody', () => {
  it('returns the parsed body when it is valid', () => {
    expect(parseBody(PlaceOrderRequest, order)).toMatchObject(order);
  });

  it('names a missing field as required, keeping zod’s code', () => {
    const error = refusal(SignupRequest, { name: 'Ana', email: 'ana@example.com' });
    expect(error.code).toBe('validation_failed');
    expect(error.details.fields).toEqual([
      { field: 'password', code: 'invalid_type', message: 'password is required' },
    ]);
  });

  it('says which type a field must have and which it was sent', () => {
    const error = refusal(PlaceOrderRequest, { ...order, quantity: 10, postOnly: 'yes' });
    expect(error.details.fields).toEqual([
      { field: 'quantity', code: 'invalid_type', message: 'quantity must be a string, not a number' },
      { field: 'postOnly', code: 'invalid_type', message: 'postOnly must be a boolean, not a string' },
    ]);
    expect(error.message).toBe('quantity must be a string, not a number; postOnly must be a boolean, not a string');
  });

  it('lists the values a field may take', () => {
    const error = refusal(PlaceOrderRequest, { ...order, side: 'BUY' });
    expect(error.details.fields).toEqual([
      { field: 'side', code: 'invalid_value', message: 'side must be one of "buy", "sell"' },
    ]);
  });

  it('gives each unknown field an error of its own', () => {
    const error = refusal(PlaceOrderRequest, { ...order, extra: 1, another: 2 });
    expect(error.details.fields).toEqual([
      { field: 'extra', code: 'unrecognized_keys', message: 'extra is not a field this request takes' },
      { field: 'another', code: 'unrecognized_keys', message: 'another is not a field this request takes' },
    ]);
  });

  it('refuses a body that is not an object as a whole', () => {
    expect(refusal(PlaceOrderRequest, []).details.fields).toEqual([
      { field: 'body', code: 'invalid_type', message: 'body must be an object, not an array' },
    ]);
  });

  it('keeps the messages the contracts set themselves', () => {
    const error = refusal(SignupRequest, { name: '', email: 'ana@example.com', password: 'correct horse' });
    expect(error.details.fields).toEqual([{ field: 'name', code: 'too_small', message: 'name must not be empty' }]);
  });
});
