import { ClientOrderId, OrderId } from '@bolsa/contracts';
import { ApiError } from './api-error.js';

/** A whole-number query parameter from 1 to `max`, `fallback` when absent, or a field error. */
export function boundedCount(field: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max) {
    throw ApiError.validation([
      { field, code: 'invalid', message: `${field} must be a whole number from 1 to ${max}` },
    ]);
  }
  return value;
}

/** `limit` query parameter of a page: 1..max, `fallback` when absent. */
export function pageLimit(text: string | undefined, fallback = 100, max = 500): number {
  return boundedCount('limit', text, fallback, max);
}

/** A query parameter that must be one of a few words. */
export function oneOf<T extends string>(field: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) {
    throw ApiError.validation([{ field, code: 'invalid', message: `${field} must be one of ${allowed.join(', ')}` }]);
  }
  return text as T;
}

/** A comma-separated list of allowed values, e.g. `reason=deposit,withdrawal`. */
export function someOf<T extends string>(
  field: string,
  text: string | undefined,
  allowed: readonly T[],
): T[] | undefined {
  return text?.split(',').map((part) => oneOf(field, part, allowed)!);
}

/** A `clientOrderId` query parameter, by the rule orders are placed with. */
export function clientOrderId(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const parsed = ClientOrderId.safeParse(text);
  if (!parsed.success) {
    const message = `clientOrderId ${parsed.error.issues[0]?.message ?? 'is invalid'}`;
    throw ApiError.validation([{ field: 'clientOrderId', code: 'invalid', message }]);
  }
  return parsed.data;
}

/** An order id query parameter: a UUID, as every order id is. */
export function orderIdParam(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!OrderId.safeParse(text).success) {
    throw ApiError.validation([{ field: 'orderId', code: 'invalid', message: 'orderId must be an order id (a UUID)' }]);
  }
  return text;
}

/** An ISO 8601 time query parameter. */
export function isoTime(field: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const time = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time.getTime())) {
    throw ApiError.validation([{ field, code: 'invalid', message: `${field} must be an ISO 8601 time` }]);
  }
  return time;
}

/**
 * `from` and `to` query parameters: the times [from, to), either open. A `to` not after `from` would select nothing
 * whatever the data, which is a caller's mistake rather than an empty answer.
 */
export function timeRange(
  fromText: string | undefined,
  toText: string | undefined,
): { readonly from: Date | undefined; readonly to: Date | undefined } {
  const from = isoTime('from', fromText);
  const to = isoTime('to', toText);
  if (from !== undefined && to !== undefined && to <= from) {
    throw ApiError.validation([{ field: 'to', code: 'invalid', message: 'to must be after from' }]);
  }
  return { from, to };
}

const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;

/** What each part of a cursor may be: a cursor that was not given out (or was altered) is refused, not run. */
const CURSOR_PARTS = {
  time: (part: string) => /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(part) && !Number.isNaN(Date.parse(part)),
  uuid: (part: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(part),
  integer: (part: string) => /^\d{1,18}$/.test(part),
  tradeId: (part: string) => /^[A-Z][A-Z0-9]{1,11}-\d{1,18}$/.test(part),
  role: (part: string) => part === 'maker' || part === 'taker',
};
export type CursorPart = keyof typeof CURSOR_PARTS;

/** Cursors are opaque to clients: base64url of whatever the list's keyset position is. */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(parts.join('\n')).toString('base64url');
}

/** The parts of a `cursor` query parameter, each checked against the list's `shape`. */
export function decodeCursor(text: string | undefined, shape: readonly CursorPart[]): string[] | undefined {
  if (text === undefined) return undefined;
  const parts = CURSOR.test(text) ? Buffer.from(text, 'base64url').toString().split('\n') : [];
  if (parts.length !== shape.length || !parts.every((part, i) => CURSOR_PARTS[shape[i]!](part))) {
    throw ApiError.validation([{ field: 'cursor', code: 'invalid', message: 'cursor is not one this API gave out' }]);
  }
  return parts;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,100}$/;

/** The `Idempotency-Key` header, checked: absent, or 1-100 safe characters. */
export function idempotencyKey(text: string | undefined): string | undefined {
  if (text !== undefined && !IDEMPOTENCY_KEY.test(text)) {
    throw ApiError.validation([
      { field: 'Idempotency-Key', code: 'invalid', message: 'Idempotency-Key must be 1-100 of A-Z a-z 0-9 . _ : -' },
    ]);
  }
  return text;
}
