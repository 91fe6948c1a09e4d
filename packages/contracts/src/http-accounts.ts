import { z } from 'zod';
import { ApiKeyId, InstrumentSymbol } from './ids.js';
import { Side } from './orders.js';
import { AdminReason, OrderView, TradeView } from './http.js';

/** Who an account is: traders trade, admins also watch the whole exchange; the exchange account collects fees. */
export const Role = z.enum(['trader', 'admin', 'exchange']);
export type Role = z.infer<typeof Role>;

const AccountName = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(80, { error: 'must be at most 80 characters' });
const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, { error: 'must be at most 254 characters' })
  .pipe(z.email({ error: 'must be an email address' }));
/** Long enough to resist guessing, short enough that hashing it is cheap. */
const Password = z
  .string()
  .min(10, { error: 'must be at least 10 characters' })
  .max(200, { error: 'must be at most 200 characters' });

/** `POST /api/auth/signup` (browser: answers with a session cookie) and `POST /api/accounts` (programs). */
export const SignupRequest = z.strictObject({ name: AccountName, email: Email, password: Password });
export type SignupRequest = z.infer<typeof SignupRequest>;
/** Kept under its first name for programs that create accounts. */
export const CreateAccountRequest = SignupRequest;
export type CreateAccountRequest = SignupRequest;

/** `POST /api/auth/password`: the current password again, and the new one (as strong as a signup's). */
export const ChangePasswordRequest = z
  .strictObject({ currentPassword: z.string().min(1).max(200), newPassword: Password })
  .refine((request) => request.currentPassword !== request.newPassword, {
    error: 'must differ from the current password',
    path: ['newPassword'],
  });
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/** `POST /api/auth/login`: any password is checked, so only its presence is validated. */
export const LoginRequest = z.strictObject({ email: Email, password: z.string().min(1).max(200) });
export type LoginRequest = z.infer<typeof LoginRequest>;

/** While an administrator has suspended an account: since when and why (its owner is shown it too). */
export const AccountSuspensionView = z.object({ since: z.iso.datetime(), reason: z.string() });
export type AccountSuspensionView = z.infer<typeof AccountSuspensionView>;

export const AccountView = z.object({
  accountId: z.uuid(),
  name: z.string(),
  email: z.string().nullable(),
  role: Role,
  createdAt: z.iso.datetime(),
  /** Set while the account is suspended: no new orders, amends or withdrawals; cancels go on. */
  suspension: AccountSuspensionView.nullable(),
});
export type AccountView = z.infer<typeof AccountView>;

/** The answer to signup, login and `GET /api/auth/session`: the CSRF token goes in `X-CSRF-Token` on writes. */
export const SessionView = z.object({ account: AccountView, csrfToken: z.string(), expiresAt: z.iso.datetime() });
export type SessionView = z.infer<typeof SessionView>;

/**
 * `GET /api/me/sessions`: one of the account's live browser sessions, newest first: when and from what it was
 * started, so that its owner can end one that is not theirs (`DELETE /api/me/sessions/:sessionId`).
 */
export const LoginSessionView = z.object({
  sessionId: z.string(),
  startedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  userAgent: z.string().nullable(),
  address: z.string().nullable(),
  /** The session of the request that asked. */
  current: z.boolean(),
});
export type LoginSessionView = z.infer<typeof LoginSessionView>;

/** The answer to `POST /api/accounts`: the only time the first API key's secret is ever shown. */
export const CreatedAccount = z.object({
  accountId: z.uuid(),
  name: z.string(),
  email: z.string(),
  apiKey: z.string(),
});
export type CreatedAccount = z.infer<typeof CreatedAccount>;

/** What an API key may do: `trade`, every call its account may make; `read`, reads only (GET requests). */
export const ApiKeyAccess = z.enum(['trade', 'read']);
export type ApiKeyAccess = z.infer<typeof ApiKeyAccess>;

/** `POST /api/me/api-keys` */
export const CreateApiKeyRequest = z.strictObject({
  label: z.string().trim().min(1, { error: 'must not be empty' }).max(60, { error: 'must be at most 60 characters' }),
  access: ApiKeyAccess.default('trade'),
});
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

export const ApiKeyView = z.object({
  keyId: ApiKeyId,
  label: z.string(),
  access: ApiKeyAccess,
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

/** A new key with its secret, shown this once: `Authorization: Bearer <token>`. */
export const CreatedApiKey = ApiKeyView.extend({ token: z.string() });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

/** Cash in BRL cents or shares of an instrument: `available` can be spent, `held` backs open orders. */
export const BalanceView = z.object({ available: z.string(), held: z.string(), total: z.string() });
export type BalanceView = z.infer<typeof BalanceView>;

/** `GET /api/me/wallet` */
export const WalletView = z.object({
  currency: z.literal('BRL'),
  cash: BalanceView,
  positions: z.array(
    BalanceView.extend({
      symbol: InstrumentSymbol,
      /** What the shares cost, fees included (average-cost method; granted shares cost nothing). */
      costBasis: z.string(),
      /** Cost per share, to the cent; null with no shares. */
      averageCost: z.string().nullable(),
    }),
  ),
});
export type WalletView = z.infer<typeof WalletView>;

/** Why a balance changed. */
export const LedgerReason = z.enum(['grant', 'deposit', 'withdrawal', 'hold', 'release', 'trade', 'fee']);
export type LedgerReason = z.infer<typeof LedgerReason>;

/** One change of one balance, as the append-only ledger recorded it. `asset` is "BRL" or a symbol. */
export const LedgerEntryView = z.object({
  entryId: z.string(),
  asset: z.string(),
  reason: LedgerReason,
  availableChange: z.string(),
  heldChange: z.string(),
  availableAfter: z.string(),
  heldAfter: z.string(),
  orderId: z.uuid().nullable(),
  /** The instrument and side of the order the entry is for; null for deposits, withdrawals and grants. */
  symbol: InstrumentSymbol.nullable(),
  side: Side.nullable(),
  tradeId: z.string().nullable(),
  traceId: z.string(),
  createdAt: z.iso.datetime(),
});
export type LedgerEntryView = z.infer<typeof LedgerEntryView>;

/** A trade from one side's point of view, with what it cost or paid. */
export const MyTradeView = TradeView.extend({
  orderId: z.uuid(),
  side: Side,
  role: z.enum(['maker', 'taker']),
  /** price × quantity */
  notional: z.string(),
  fee: z.string(),
  /**
   * A sale's result: the notional less its fee less what the shares cost (their average cost, fees included, as
   * the sale settled). Null for purchases, and for sales settled before the cost was recorded.
   */
  realizedProfit: z.string().nullable(),
});
export type MyTradeView = z.infer<typeof MyTradeView>;

/** `GET /api/me/trades/monthly`: one calendar month (in the exchange's time zone) of a trader's trades. */
export const MonthlyTradesView = z.object({
  /** YYYY-MM */
  month: z.string(),
  /** price × quantity of what was bought, and of what was sold */
  purchases: z.string(),
  sales: z.string(),
  fees: z.string(),
  /** The sum of the month's sales' realized profit (sales settled before costs were recorded count nothing). */
  realizedProfit: z.string(),
});
export type MonthlyTradesView = z.infer<typeof MonthlyTradesView>;

/** A page of a list: pass `nextCursor` back as `cursor` for the next one; null when this is the last. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** `POST /api/me/deposits` and `/api/me/withdrawals` (demo money). */
export const TransferRequest = z.strictObject({ amount: z.string() });
export type TransferRequest = z.infer<typeof TransferRequest>;

/** `GET /api/admin/summary` */
export const AdminSummary = z.object({
  /** `suspended`: accounts suspended now (traders only can be). */
  accounts: z.object({ traders: z.int(), admins: z.int(), suspended: z.int() }),
  orders: z.record(z.string(), z.int()),
  instruments: z.array(
    z.object({
      symbol: InstrumentSymbol,
      trades: z.int(),
      volume: z.string(),
      turnover: z.string(),
      last: z.string().nullable(),
    }),
  ),
  cash: z.object({ available: z.string(), held: z.string(), feesCollected: z.string() }),
  ingestion: z.object({ lastEventAt: z.iso.datetime().nullable(), events: z.int() }),
});
export type AdminSummary = z.infer<typeof AdminSummary>;

/** `GET /api/fees`: what a trade costs each side, in basis points of its value (rounded down to the cent). */
export const FeeSchedule = z.object({ makerBps: z.int().nonnegative(), takerBps: z.int().nonnegative() });
export type FeeSchedule = z.infer<typeof FeeSchedule>;

/** `POST /api/admin/end-of-day`: the trading day closed (every DAY order expires), and the symbols told so. */
export const ClosedDayView = z.object({
  tradingDay: z.iso.date(),
  symbols: z.array(z.string()),
  traceId: z.string(),
});
export type ClosedDayView = z.infer<typeof ClosedDayView>;

/** `GET /api/admin/health`: what the API can see of the platform. */
export const PlatformHealth = z.object({
  api: z.object({ status: z.literal('up'), uptimeSeconds: z.int().nonnegative() }),
  database: z.object({ status: z.enum(['up', 'down']), latencyMs: z.number().nullable() }),
  engine: z.object({ status: z.enum(['up', 'down', 'unknown']) }),
  ingestion: z.object({ lastEventAt: z.iso.datetime().nullable() }),
});
export type PlatformHealth = z.infer<typeof PlatformHealth>;

/**
 * `GET /api/admin/reconciliation`: the books checked against their own rules in one snapshot of the database (money
 * conserved, balances equal to their ledgers, holds equal to live orders, trades fully settled…). `faults` counts
 * the rows that break a rule; `examples` shows the first few as the check read them.
 */
export const ReconciliationView = z.object({
  ok: z.boolean(),
  checkedAt: z.iso.datetime(),
  tookMs: z.int().nonnegative(),
  checks: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      ok: z.boolean(),
      faults: z.int().nonnegative(),
      examples: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
    }),
  ),
});
export type ReconciliationView = z.infer<typeof ReconciliationView>;

/** `GET /api/admin/orders/:id`: any account's order, with whose it is (for support). */
export const AdminOrderView = z.object({
  order: OrderView,
  account: z.object({ accountId: z.uuid(), name: z.string(), email: z.string().nullable() }),
});
export type AdminOrderView = z.infer<typeof AdminOrderView>;

/** `POST /api/admin/accounts/:id/suspension`: why. */
export const SuspendAccountRequest = z.strictObject({ reason: AdminReason });
export type SuspendAccountRequest = z.infer<typeof SuspendAccountRequest>;

/** `POST /api/admin/accounts/:id/api-keys/:keyId/revocation`: why (a key that leaked, a program misbehaving). */
export const RevokeApiKeyRequest = z.strictObject({ reason: AdminReason });
export type RevokeApiKeyRequest = z.infer<typeof RevokeApiKeyRequest>;

/** `POST /api/admin/accounts/:id/sessions/end`: why every browser session of the account is ended (a stolen cookie). */
export const EndSessionsRequest = z.strictObject({ reason: AdminReason });
export type EndSessionsRequest = z.infer<typeof EndSessionsRequest>;

const AccountRef = z.object({ accountId: z.uuid(), name: z.string() });

/** One suspension of an account, lifted or not: who suspended it, when and why, and who lifted it. */
export const SuspensionRecord = z.object({
  suspendedAt: z.iso.datetime(),
  suspendedBy: AccountRef,
  reason: z.string(),
  liftedAt: z.iso.datetime().nullable(),
  liftedBy: AccountRef.nullable(),
});
export type SuspensionRecord = z.infer<typeof SuspensionRecord>;

/**
 * `GET /api/admin/accounts/:id` (and the answer to suspending or reinstating it): the account, how many of its
 * orders are live (pending, open or partially filled), its balances and its suspensions, newest first.
 */
export const AdminAccountView = z.object({
  account: AccountView,
  liveOrders: z.int().nonnegative(),
  balances: z.array(z.object({ asset: z.string(), available: z.string(), held: z.string() })),
  suspensions: z.array(SuspensionRecord),
  /** Its API keys, newest first (never their secrets): an administrator can revoke one that leaked. */
  apiKeys: z.array(ApiKeyView),
  /** Its live browser sessions, newest first: an administrator can end them all (a stolen cookie). */
  sessions: z.array(LoginSessionView),
});
export type AdminAccountView = z.infer<typeof AdminAccountView>;

/** `POST /api/admin/accounts/:id/suspension`: the account suspended, and how many cancels were sent for its orders. */
export const SuspendedAccountView = AdminAccountView.extend({ cancelsSent: z.int().nonnegative() });
export type SuspendedAccountView = z.infer<typeof SuspendedAccountView>;

/** `GET /api/admin/accounts`: accounts, newest first. */
export const AdminAccountsPage = pageOf(AccountView);
export type AdminAccountsPage = z.infer<typeof AdminAccountsPage>;

export const AdminActionKind = z.enum([
  'halt',
  'resume',
  'end_of_day',
  'reopen',
  'suspend',
  'reinstate',
  'revoke_key',
  'end_sessions',
]);
export type AdminActionKind = z.infer<typeof AdminActionKind>;

/**
 * One thing an administrator did to the market or an account: halting or resuming an instrument, closing the day
 * (`by` is null when the exchange's clock closed it), suspending or reinstating an account (`reason` is the
 * suspension's). `traceId` is the request's, so the action can be followed through the logs and the engine's events.
 */
export const AdminActionView = z.object({
  id: z.string(),
  action: AdminActionKind,
  at: z.iso.datetime(),
  by: AccountRef.nullable(),
  symbol: z.string().nullable(),
  account: AccountRef.nullable(),
  reason: z.string().nullable(),
  traceId: z.string(),
});
export type AdminActionView = z.infer<typeof AdminActionView>;

/** `GET /api/admin/actions`: what administrators did, newest first. */
export const AdminActionsPage = pageOf(AdminActionView);
export type AdminActionsPage = z.infer<typeof AdminActionsPage>;
