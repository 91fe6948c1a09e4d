import {
  AccountView,
  AdminSummary,
  CreatePriceAlertRequest,
  MAX_ACTIVE_PRICE_ALERTS,
  MAX_PRICE_ALERT_CHANGES_PER_MINUTE,
  PriceAlertView,
  ClosedDayView,
  HaltTradingRequest,
  TradingStatusView,
  ApiKeyView,
  LoginSessionView,
  FeeSchedule,
  CreateAccountRequest,
  ChangePasswordRequest,
  CreateApiKeyRequest,
  CreatedAccount,
  CreatedApiKey,
  LedgerEntryView,
  LedgerReason,
  LoginRequest,
  MonthlyTradesView,
  PlatformHealth,
  ReconciliationView,
  AdminOrderView,
  MyTradeView,
  OrderView,
  pageOf,
  SessionView,
  SignupRequest,
  TransferRequest,
  WalletView,
} from '@bolsa/contracts';
import { bearer, errors, json, ref } from './openapi-helpers.js';

export const ACCOUNT_SCHEMAS = {
  SignupRequest,
  LoginRequest,
  ChangePasswordRequest,
  SessionView,
  CreateAccountRequest,
  CreatedAccount,
  AccountView,
  CreateApiKeyRequest,
  ApiKeyView,
  LoginSessionView,
  CreatedApiKey,
  WalletView,
  LedgerEntryView,
  LedgerPage: pageOf(LedgerEntryView),
  OrderPage: pageOf(OrderView),
  MyTradePage: pageOf(MyTradeView),
  MonthlyTradesView,
  TransferRequest,
  AdminSummary,
  FeeSchedule,
  PlatformHealth,
  ReconciliationView,
  AdminOrderView,
  ClosedDayView,
  HaltTradingRequest,
  TradingStatusView,
  CreatePriceAlertRequest,
  PriceAlertView,
};

const query = (name: string, schema: object) => ({ name, in: 'query', required: false, schema });
/** `from` and `to`: the times [from, to), either open; a `to` not after `from` is a 400. */
const timeRange = [
  { ...query('from', { type: 'string', format: 'date-time' }), description: 'from this time on (inclusive)' },
  { ...query('to', { type: 'string', format: 'date-time' }), description: 'before this time; must be after from' },
];
const paging = [query('cursor', { type: 'string' }), query('limit', { type: 'integer', minimum: 1, maximum: 500 })];
const idempotencyKey = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } };
const ok = (name: string) => ({ '200': { description: 'ok', ...json(ref(name)) } });
/** A page of `name` as JSON, or with `format=csv` every matching row as one CSV file. */
const pageOrCsv = (name: string) => ({
  '200': {
    description: 'a page, or CSV',
    content: { 'application/json': { schema: ref(name) }, 'text/csv': { schema: { type: 'string' } } },
  },
});

/** Identity, API keys, wallet, ledger, history and admin routes. */
export function accountPaths(): Record<string, object> {
  const transfer = (summary: string) => ({
    post: {
      summary,
      security: bearer,
      parameters: [idempotencyKey],
      requestBody: json(ref('TransferRequest')),
      responses: {
        '201': { description: 'done', ...json(ref('LedgerEntryView')) },
        ...errors(400, 401, 403, 409, 422),
      },
    },
  });
  return {
    '/api/fees': {
      get: { summary: 'Maker and taker fees in basis points', responses: ok('FeeSchedule') },
    },
    '/api/auth/signup': {
      post: {
        summary: 'Sign a trader up; answers with a session cookie and the CSRF token',
        requestBody: json(ref('SignupRequest')),
        responses: { '201': { description: 'signed up', ...json(ref('SessionView')) }, ...errors(400, 409) },
      },
    },
    '/api/auth/login': {
      post: {
        summary: 'Log in (rate-limited); answers with a session cookie and the CSRF token',
        requestBody: json(ref('LoginRequest')),
        responses: { ...ok('SessionView'), ...errors(400, 401, 429) },
      },
    },
    '/api/auth/logout': {
      post: {
        summary: 'End the session',
        security: [{ session: [], csrf: [] }],
        responses: { '204': { description: 'ended' }, ...errors(401, 403) },
      },
    },
    '/api/auth/password': {
      post: {
        summary: 'Change the password (the current one is asked again); every other session ends, API keys stay',
        security: bearer,
        requestBody: json(ref('ChangePasswordRequest')),
        responses: { '204': { description: 'changed' }, ...errors(400, 401, 403, 429) },
      },
    },
    '/api/auth/session': {
      get: {
        summary: "The session cookie's account and CSRF token",
        security: [{ session: [] }],
        responses: { ...ok('SessionView'), ...errors(401) },
      },
    },
    '/api/accounts': {
      post: {
        summary: 'Create a trader account for a program; its first API key is shown once',
        requestBody: json(ref('CreateAccountRequest')),
        responses: { '201': { description: 'created', ...json(ref('CreatedAccount')) }, ...errors(400, 409) },
      },
    },
    '/api/accounts/me': {
      get: { summary: 'The caller', security: bearer, responses: { ...ok('AccountView'), ...errors(401) } },
    },
    '/api/me/sessions': {
      get: {
        summary: "The account's live browser sessions, newest first: started when, from what browser and address",
        security: bearer,
        responses: { '200': { description: 'ok', ...json({ type: 'array', items: ref('LoginSessionView') }) } },
      },
      delete: {
        summary: "End every session of the account but the caller's own; answers with the ones left",
        security: bearer,
        responses: {
          '200': { description: 'ok', ...json({ type: 'array', items: ref('LoginSessionView') }) },
          ...errors(401, 403),
        },
      },
    },
    '/api/me/sessions/{sessionId}': {
      delete: {
        summary: 'End one of the account’s sessions (its own: that is a logout)',
        security: bearer,
        parameters: [{ name: 'sessionId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '204': { description: 'ended' }, ...errors(401, 403, 404) },
      },
    },
    '/api/me/api-keys': {
      get: {
        summary: "The caller's API keys (never their secrets)",
        security: bearer,
        responses: { '200': { description: 'ok', ...json({ type: 'array', items: ref('ApiKeyView') }) } },
      },
      post: {
        summary:
          'Create an API key; its secret is shown once. access: trade (the default) or read, a key that only reads ' +
          '(any other request with it is answered 403 read_only_key)',
        security: bearer,
        requestBody: json(ref('CreateApiKeyRequest')),
        responses: { '201': { description: 'created', ...json(ref('CreatedApiKey')) }, ...errors(400, 401, 403) },
      },
    },
    '/api/me/api-keys/{keyId}': {
      delete: {
        summary: 'Revoke an API key',
        security: bearer,
        parameters: [{ name: 'keyId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { ...ok('ApiKeyView'), ...errors(401, 403, 404) },
      },
    },
    '/api/me/wallet': {
      get: {
        summary: 'Cash and positions, available and held',
        security: bearer,
        responses: { ...ok('WalletView'), ...errors(401) },
      },
    },
    '/api/me/ledger': {
      get: {
        summary:
          'Every balance change, newest first; entries for an order name its symbol and side. format=csv: every ' +
          'matching entry as one CSV file (the statement)',
        security: bearer,
        parameters: [
          query('asset', { type: 'string' }),
          {
            ...query('reason', { type: 'array', items: { enum: LedgerReason.options } }),
            style: 'form',
            explode: false,
            description: 'one or more reasons, comma-separated',
          },
          ...timeRange,
          query('format', { enum: ['json', 'csv'] }),
          ...paging,
        ],
        responses: {
          ...pageOrCsv('LedgerPage'),
          ...errors(400, 401),
        },
      },
    },
    '/api/me/orders': {
      get: {
        summary: "The caller's orders, newest first",
        security: bearer,
        parameters: [
          query('status', { enum: ['open', 'done'] }),
          query('symbol', { type: 'string' }),
          query('clientOrderId', { type: 'string' }),
          ...paging,
        ],
        responses: { ...ok('OrderPage'), ...errors(400, 401) },
      },
    },
    '/api/me/trades': {
      get: {
        summary: "The caller's trades, newest first; format=csv exports all that match",
        security: bearer,
        parameters: [
          query('symbol', { type: 'string' }),
          query('orderId', { type: 'string', format: 'uuid', description: "one of the caller's orders: its fills" }),
          ...timeRange,
          query('format', { enum: ['json', 'csv'] }),
          ...paging,
        ],
        responses: {
          ...pageOrCsv('MyTradePage'),
          ...errors(400, 401),
        },
      },
    },
    '/api/me/trades/monthly': {
      get: {
        summary: "The caller's last 24 months with trades: bought, sold, fees and realized profit",
        security: bearer,
        responses: {
          '200': { description: 'newest first', ...json({ type: 'array', items: ref('MonthlyTradesView') }) },
          ...errors(401),
        },
      },
    },
    '/api/me/deposits': transfer('Add demo cash'),
    '/api/me/withdrawals': transfer(
      'Take out cash (at most what is available; 403 account_suspended while the account is suspended)',
    ),
    '/api/alerts': {
      get: {
        summary: "The caller's price alerts: those waiting, then those set off, newest first in each (at most 100)",
        security: bearer,
        responses: {
          '200': { description: 'the alerts', ...json({ type: 'array', items: ref('PriceAlertView') }) },
          ...errors(401),
        },
      },
      post: {
        summary:
          'A price alert: set off once, by the first trade of the symbol at or above (at or below) the price; ' +
          `409 too_many_alerts past ${MAX_ACTIVE_PRICE_ALERTS} waiting; 429 rate_limited past ` +
          `${MAX_PRICE_ALERT_CHANGES_PER_MINUTE} creations and deletions a minute`,
        security: bearer,
        requestBody: json(ref('CreatePriceAlertRequest')),
        responses: {
          '201': { description: 'created', ...json(ref('PriceAlertView')) },
          ...errors(400, 401, 404, 409, 429),
        },
      },
    },
    '/api/alerts/{id}': {
      delete: {
        summary: 'Delete one of the caller’s price alerts, waiting or set off',
        security: bearer,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { '204': { description: 'deleted' }, ...errors(401, 404, 429) },
      },
    },
    '/api/admin/health': {
      get: {
        summary: 'API, database, engine and ingestion health (admins)',
        security: bearer,
        responses: { ...ok('PlatformHealth'), ...errors(401, 403) },
      },
    },
    '/api/admin/reconciliation': {
      get: {
        summary: 'Check the books against their rules, in one snapshot of the database (admins)',
        description:
          'Money and shares conserved, fees collected, nothing negative, balances equal to their ledgers, holds ' +
          'equal to live orders, trades settled and covered by holds, orders’ fills equal to their trades. ' +
          'Reads every row: run it when needed, not on a poll.',
        security: bearer,
        responses: { ...ok('ReconciliationView'), ...errors(401, 403) },
      },
    },
    '/api/admin/orders': {
      get: {
        summary: "One account's orders, newest first, as GET /api/me/orders gives its owner (admins, for support)",
        security: bearer,
        parameters: [
          { name: 'accountId', in: 'query', required: true, schema: { type: 'string', format: 'uuid' } },
          query('status', { enum: ['open', 'done'] }),
          query('symbol', { type: 'string' }),
          ...paging,
        ],
        responses: { ...ok('OrderPage'), ...errors(400, 401, 403) },
      },
    },
    '/api/admin/orders/{id}': {
      get: {
        summary: 'Any account’s order, with whose it is (admins, for support)',
        security: bearer,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { ...ok('AdminOrderView'), ...errors(401, 403, 404) },
      },
    },
    '/api/admin/orders/{id}/timeline': {
      get: {
        summary: 'Any account’s order’s history, as GET /api/orders/{id}/timeline gives its owner (admins)',
        security: bearer,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }, ...paging],
        responses: { ...ok('OrderTimelinePage'), ...errors(400, 401, 403, 404) },
      },
    },
    '/api/admin/end-of-day': {
      post: {
        summary:
          'Close the trading day now: every DAY order expires and, with trading hours (MARKET_OPEN), new orders and ' +
          'amends get 409 market_closed until the next trading day opens (admins; otherwise at MARKET_CLOSE). After ' +
          'the opening, a closing call or reopening call in progress uncrosses at the close first',
        security: bearer,
        responses: { '202': { description: 'closed', ...json(ref('ClosedDayView')) }, ...errors(401, 403, 503) },
      },
    },
    '/api/admin/end-of-day/reopening': {
      post: {
        summary:
          'Reopen today after an administrator closed it before its closing time, its opening too (admins): new ' +
          'orders and amends are taken again in its hours, until MARKET_CLOSE; the DAY orders the close expired stay ' +
          'expired, and a pre-opening auction the close cut short uncrosses at the opening (at once, after it); 409 ' +
          'day_not_closed_early when today is not closed or its closing time has come; 503 when the engine could ' +
          'not be told (the day stays closed: repeat it)',
        security: bearer,
        responses: { ...ok('TradingCalendarView'), ...errors(401, 403, 409, 503) },
      },
    },
    '/api/admin/markets/{symbol}/halt': {
      post: {
        summary:
          'Halt trading in an instrument, saying why (every ticker carries the reason): new orders and amends get ' +
          '409 trading_halted, cancels go on; the engine is told too, and rejects orders that reach it after the ' +
          'halt (admins; 503 if the engine could not be told: repeat it). Halting a halted one keeps it halted since ' +
          'the first time, with the new reason',
        security: bearer,
        parameters: [{ name: 'symbol', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: json(ref('HaltTradingRequest')),
        responses: {
          '200': { description: 'halted', ...json(ref('TradingStatusView')) },
          ...errors(400, 401, 403, 404, 503),
        },
      },
    },
    '/api/admin/markets/halt': {
      post: {
        summary:
          'Halt trading in every instrument at once, a circuit breaker, for one reason (admins; 503 as for one ' +
          'instrument)',
        security: bearer,
        requestBody: json(ref('HaltTradingRequest')),
        responses: {
          '200': { description: 'halted', ...json({ type: 'array', items: ref('TradingStatusView') }) },
          ...errors(400, 401, 403, 503),
        },
      },
    },
    '/api/admin/markets/resume': {
      post: {
        summary: 'Resume trading in every instrument (admins), each as one instrument resumes',
        security: bearer,
        responses: {
          '200': { description: 'trading', ...json({ type: 'array', items: ref('TradingStatusView') }) },
          ...errors(401, 403, 503),
        },
      },
    },
    '/api/admin/markets/{symbol}/resume': {
      post: {
        summary:
          'Resume trading in a halted instrument (admins; 503 if the engine could not be told: repeat it). With ' +
          'MARKET_REOPENING_SECONDS, in continuous trading it resumes in a reopening call auction until reopensAt ' +
          '(cut short at the closing call): orders rest without trading, market, IOC, FOK and post-only ones get 409 ' +
          'auction_call, and at its end what crosses trades at one price. A new halt ends the reopening',
        security: bearer,
        parameters: [{ name: 'symbol', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'trading', ...json(ref('TradingStatusView')) },
          ...errors(401, 403, 404, 503),
        },
      },
    },
    '/api/admin/summary': {
      get: {
        summary: 'Exchange-wide figures (admins)',
        security: bearer,
        responses: { ...ok('AdminSummary'), ...errors(401, 403) },
      },
    },
  };
}
