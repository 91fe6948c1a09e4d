import { z } from 'zod';

/** Identifiers minted by the API are UUIDs; the engine never invents them. */
export const OrderId = z.uuid({ error: 'must be a UUID' });
export type OrderId = z.infer<typeof OrderId>;

export const AccountId = z.uuid({ error: 'must be a UUID' });
export type AccountId = z.infer<typeof AccountId>;

export const CommandId = z.uuid({ error: 'must be a UUID' });
export type CommandId = z.infer<typeof CommandId>;

/** The public half of an API key (`<key id>.<secret>`), also its id in `/api/me/api-keys/:keyId`. */
export const ApiKeyId = z.uuid({ error: 'must be a UUID' });
export type ApiKeyId = z.infer<typeof ApiKeyId>;

/** B3-style tickers: PETR4, VALE3, BOVA11. */
export const InstrumentSymbol = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,11}$/, { error: 'must be 2-12 upper-case letters or digits' });
export type InstrumentSymbol = z.infer<typeof InstrumentSymbol>;

/** Chosen by the client to recognise its own orders; unique per account is the client's business. */
export const ClientOrderId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: 'must be 1-64 characters of letters, digits and ._:-' });
export type ClientOrderId = z.infer<typeof ClientOrderId>;

/** W3C trace-context trace id: 32 lower-case hex digits, not all zero. */
export const TraceId = z
  .string()
  .regex(/^(?!0{32})[0-9a-f]{32}$/, { error: 'must be 32 lower-case hex digits (W3C trace id)' });
export type TraceId = z.infer<typeof TraceId>;

/** Milliseconds since the Unix epoch. */
export const Timestamp = z.int().nonnegative();
export type Timestamp = z.infer<typeof Timestamp>;

/** Integer cents. */
export const Cents = z.int({ error: 'must be an integer number of cents' }).positive();
export type Cents = z.infer<typeof Cents>;

/** Integer number of shares. */
export const Quantity = z.int({ error: 'must be an integer number of shares' }).positive();
export type Quantity = z.infer<typeof Quantity>;

/**
 * An order's nth amend, numbered where it is recorded under the order's lock: the book takes each number once, in
 * order, so a copy of an amend, or one overtaken by a later amend, changes nothing.
 */
export const AmendNumber = z.int().positive().max(2_147_483_647);
export type AmendNumber = z.infer<typeof AmendNumber>;
