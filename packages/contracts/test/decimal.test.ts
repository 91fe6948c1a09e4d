import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatCents,
  formatQuantity,
  formatScaledDecimal,
  parseCashAmount,
  parsePrice,
  parseQuantity,
  parseScaledDecimal,
  type DecimalErrorCode,
} from '../src/index.js';

const REASONS: readonly DecimalErrorCode[] = [
  'not_a_string',
  'empty',
  'malformed',
  'exponent',
  'negative',
  'zero',
  'too_precise',
  'too_large',
  'off_tick',
  'off_lot',
];

describe('parsePrice (tick 0.01)', () => {
  it.each([
    ['12.34', 1234],
    ['12.3', 1230],
    ['12', 1200],
    ['0.01', 1],
    ['12.340', 1234],
    ['0012.34', 1234],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('accepts %s as %i cents', (text, cents) => {
    expect(parsePrice(text, 1)).toEqual({ ok: true, value: cents });
  });

  it.each<[unknown, DecimalErrorCode]>([
    ['12.345', 'too_precise'],
    ['-1', 'negative'],
    ['-0.01', 'negative'],
    ['0', 'zero'],
    ['0.00', 'zero'],
    ['NaN', 'malformed'],
    ['Infinity', 'malformed'],
    ['1e3', 'exponent'],
    ['1.5E2', 'exponent'],
    ['1e-2', 'exponent'],
    ['', 'empty'],
    [' 12.34', 'malformed'],
    ['12.34 ', 'malformed'],
    ['+12', 'malformed'],
    ['12,34', 'malformed'],
    ['.5', 'malformed'],
    ['5.', 'malformed'],
    ['0x10', 'malformed'],
    ['1_000', 'malformed'],
    ['90071992547409.92', 'too_large'],
    ['9'.repeat(41), 'too_large'],
    ['99999999999999999999', 'too_large'],
    [12.34, 'not_a_string'],
    [null, 'not_a_string'],
  ])('rejects %j with %s', (text, code) => {
    const result = parsePrice(text, 1);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message.length).toBeGreaterThan(0);
    }
  });

  it('rejects prices off a coarser tick', () => {
    expect(parsePrice('12.35', 10)).toMatchObject({ ok: false, error: { code: 'off_tick' } });
    expect(parsePrice('12.30', 10)).toEqual({ ok: true, value: 1230 });
    expect(parsePrice('12.25', 5)).toEqual({ ok: true, value: 1225 });
  });
});

describe('parseQuantity', () => {
  it('accepts whole multiples of the lot', () => {
    expect(parseQuantity('300', 100)).toEqual({ ok: true, value: 300 });
    expect(parseQuantity('7', 1)).toEqual({ ok: true, value: 7 });
    expect(parseQuantity('7.00', 1)).toEqual({ ok: true, value: 7 });
    expect(parseQuantity('2147483647', 1)).toEqual({ ok: true, value: 2_147_483_647 });
  });

  it.each<[string, number, DecimalErrorCode]>([
    ['150', 100, 'off_lot'],
    ['1.5', 1, 'too_precise'],
    ['0', 1, 'zero'],
    ['-100', 100, 'negative'],
    ['1e2', 1, 'exponent'],
    ['9007199254740992', 1, 'too_large'],
    ['2147483648', 1, 'too_large'],
  ])('rejects %s for lot %i with %s', (text, lot, code) => {
    expect(parseQuantity(text, lot)).toMatchObject({ ok: false, error: { code } });
  });
});

describe('formatting', () => {
  it('writes canonical strings', () => {
    expect(formatCents(1234)).toBe('12.34');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(-1234)).toBe('-12.34');
    expect(formatCents(0)).toBe('0.00');
    expect(formatQuantity(100)).toBe('100');
    // Holds and balances are bigints: an order can need more cents than a double holds exactly.
    expect(formatCents(300_089_969_991_234_567n)).toBe('3000899699912345.67');
    expect(formatCents(-5n)).toBe('-0.05');
    expect(formatQuantity(2_147_483_647n)).toBe('2147483647');
    expect(parseCashAmount('1000.50')).toEqual({ ok: true, value: 100_050 });
  });

  it('refuses to format what is not a safe integer', () => {
    expect(() => formatCents(1.5)).toThrow(RangeError);
    expect(() => formatCents(2 ** 53)).toThrow(RangeError);
  });
});

describe('properties', () => {
  const units = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
  const scale = fc.integer({ min: 0, max: 4 });

  it('parse ∘ format is the identity on every positive safe integer', () => {
    fc.assert(
      fc.property(units, scale, (value, s) => {
        expect(parseScaledDecimal(formatScaledDecimal(value, s), s)).toEqual({ ok: true, value });
      }),
    );
  });

  it('format ∘ parse gives back the canonical text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 12 }), (cents) => {
        const text = formatCents(cents);
        const parsed = parsePrice(text, 1);
        expect(parsed.ok && formatCents(parsed.value)).toBe(text);
      }),
    );
  });

  it('every string that is not a plain positive decimal is rejected with a known reason', () => {
    const plainDecimal = /^\d+(\.\d+)?$/;
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.-+eE ,xN_a'.split('')), maxLength: 12 }), (text) => {
        fc.pre(!plainDecimal.test(text));
        const result = parseScaledDecimal(text, 2);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(REASONS).toContain(result.error.code);
      }),
    );
  });

  it('any string at all yields a value or a reason, never a throw', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = parsePrice(text, 1);
        if (result.ok) expect(Number.isSafeInteger(result.value) && result.value > 0).toBe(true);
        else expect(REASONS).toContain(result.error.code);
      }),
    );
  });

  it('more than two non-zero decimals is always too precise', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 1, max: 9 }), (whole, digit) => {
        expect(parsePrice(`${whole}.00${digit}`, 1)).toMatchObject({ ok: false, error: { code: 'too_precise' } });
      }),
    );
  });

  it('values above 2^53 - 1 units are always too large', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: BigInt(Number.MAX_SAFE_INTEGER) + 1n, max: 10n ** 30n }), (big) => {
        expect(parseScaledDecimal(big.toString(), 0)).toMatchObject({ ok: false, error: { code: 'too_large' } });
      }),
    );
  });

  it('a price is accepted exactly when it is on the tick', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 9 }), fc.constantFrom(1, 5, 10, 25, 100), (cents, tick) => {
        const result = parsePrice(formatCents(cents), tick);
        expect(result.ok).toBe(cents % tick === 0);
      }),
    );
  });
});
