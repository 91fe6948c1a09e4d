import { err, ok, type Result } from './result.js';

/**
 * Decimal strings exist only at the HTTP edge. Inside the system a price is an integer number of cents and a
 * quantity an integer number of shares; these functions are the only way across that border.
 */

export type DecimalErrorCode =
  | 'not_a_string'
  | 'empty'
  | 'malformed'
  | 'exponent'
  | 'negative'
  | 'zero'
  | 'too_precise'
  | 'too_large'
  | 'off_tick'
  | 'off_lot';

export interface DecimalError {
  readonly code: DecimalErrorCode;
  readonly message: string;
}

/** Prices and cash amounts have two decimal places: 1 unit = 1 cent. */
export const MONEY_SCALE = 2;
const MAX_TEXT_LENGTH = 40;
const DECIMAL_PATTERN = /^(\d+)(?:\.(\d+))?$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function fail(code: DecimalErrorCode, message: string): Result<number, DecimalError> {
  return err({ code, message });
}

/**
 * Parses a plain positive decimal ("12.34", "100") into integer units of 10^-scale. Trailing zeros beyond the
 * scale are accepted ("12.340" is 1234 cents); any other extra digit is too precise. Signs, exponents,
 * whitespace, NaN/Infinity and values above 2^53 - 1 units are rejected with a reason.
 */
export function parseScaledDecimal(text: unknown, scale: number): Result<number, DecimalError> {
  if (typeof text !== 'string') return fail('not_a_string', 'must be a decimal string such as "12.34"');
  if (text.length === 0) return fail('empty', 'must not be empty');
  if (text.length > MAX_TEXT_LENGTH) return fail('too_large', `must be at most ${MAX_TEXT_LENGTH} characters`);
  if (/^[+-]?[\d.]*[eE][+-]?\d*$/.test(text)) return fail('exponent', 'exponent notation is not accepted');
  if (text.startsWith('-') && DECIMAL_PATTERN.test(text.slice(1))) return fail('negative', 'must not be negative');
  const match = DECIMAL_PATTERN.exec(text);
  if (match === null) return fail('malformed', 'must be a plain decimal number such as "12.34"');
  const integerDigits = match[1] ?? '';
  const fractionDigits = match[2] ?? '';
  const kept = fractionDigits.slice(0, scale);
  if (/[^0]/.test(fractionDigits.slice(scale))) {
    return fail('too_precise', scale === 0 ? 'must be a whole number' : `must have at most ${scale} decimal places`);
  }
  const units = BigInt(integerDigits + kept.padEnd(scale, '0'));
  if (units > MAX_SAFE) return fail('too_large', 'is too large');
  if (units === 0n) return fail('zero', 'must be greater than zero');
  return ok(Number(units));
}

/** Formats integer units of 10^-scale as a canonical decimal string (always `scale` decimals). */
export function formatScaledDecimal(units: number | bigint, scale: number): string {
  if (typeof units === 'number' && !Number.isSafeInteger(units)) throw new RangeError(`not a safe integer: ${units}`);
  const negative = units < 0;
  const digits = String(negative ? -units : units).padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return (negative ? '-' : '') + (scale === 0 ? whole : `${whole}.${fraction}`);
}

/** A price for an instrument: cents, on the instrument's tick. */
export function parsePrice(text: unknown, tickSize: number): Result<number, DecimalError> {
  const parsed = parseScaledDecimal(text, MONEY_SCALE);
  if (!parsed.ok) return parsed;
  if (parsed.value % tickSize !== 0) {
    return fail('off_tick', `must be a multiple of the tick size ${formatCents(tickSize)}`);
  }
  return parsed;
}

/** The most shares one order may be for: the matching core keeps quantities in 32-bit integers. */
export const MAX_ORDER_QUANTITY = 2_147_483_647;

/** A quantity of shares for an order: a whole number, a multiple of the instrument's lot size. */
export function parseQuantity(text: unknown, lotSize: number): Result<number, DecimalError> {
  const parsed = parseScaledDecimal(text, 0);
  if (!parsed.ok) return parsed;
  if (parsed.value > MAX_ORDER_QUANTITY) return fail('too_large', `must be at most ${MAX_ORDER_QUANTITY} shares`);
  if (parsed.value % lotSize !== 0) return fail('off_lot', `must be a multiple of the lot size ${lotSize}`);
  return parsed;
}

/** A positive cash amount in cents (deposits, withdrawals). */
export function parseCashAmount(text: unknown): Result<number, DecimalError> {
  return parseScaledDecimal(text, MONEY_SCALE);
}

/** Cents as "1234.56" (negative amounts keep their sign: ledger entries). */
export function formatCents(cents: number | bigint): string {
  return formatScaledDecimal(cents, MONEY_SCALE);
}

export function formatQuantity(shares: number | bigint): string {
  return formatScaledDecimal(shares, 0);
}
