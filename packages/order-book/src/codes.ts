/**
 * Numeric codes the core works in: small integers keep the hot path free of string compares and allocation.
 * `contract-book.ts` maps them to and from the string vocabulary of `@bolsa/contracts`.
 */
export const BUY = 0;
export const SELL = 1;
export type SideCode = typeof BUY | typeof SELL;

export const LIMIT = 0;
export const MARKET = 1;
export const STOP_LIMIT = 2;
export const STOP_MARKET = 3;
export type OrderKindCode = typeof LIMIT | typeof MARKET | typeof STOP_LIMIT | typeof STOP_MARKET;

export const GTC = 0;
export const DAY = 1;
export const IOC = 2;
export const FOK = 3;
export type TimeInForceCode = typeof GTC | typeof DAY | typeof IOC | typeof FOK;

export const STP_CANCEL_NEWEST = 0;
export const STP_CANCEL_OLDEST = 1;
export const STP_CANCEL_BOTH = 2;
export const STP_DECREMENT_AND_CANCEL = 3;
/** Owner-less flow (the replay benchmark): orders may trade with anything. Not offered to traders. */
export const STP_NONE = 4;
export type SelfTradePreventionCode =
  | typeof STP_CANCEL_NEWEST
  | typeof STP_CANCEL_OLDEST
  | typeof STP_CANCEL_BOTH
  | typeof STP_DECREMENT_AND_CANCEL
  | typeof STP_NONE;

/** Pass as the account of a cancel or amend to skip the owner check. */
export const ANY_ACCOUNT = -1;

/** Where a live order is: resting in a price level, or waiting for its stop price. */
export const RESTING = 1;
export const WAITING_STOP = 2;
