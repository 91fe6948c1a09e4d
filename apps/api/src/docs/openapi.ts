import {
  AmendOrderRequest,
  ApiErrorBody,
  BookView,
  CandleView,
  InstrumentView,
  LAST_TRADE_SEQUENCE_HEADER,
  OrderTimelineEntry,
  OrderView,
  pageOf,
  PlaceOrderRequest,
  SessionChangeView,
  TickerView,
  TradeView,
  TradingCalendarView,
} from '@bolsa/contracts';
import { z } from 'zod';
import { ACCOUNT_SCHEMAS, accountPaths } from './openapi-accounts.js';
import { ADMIN_ACCOUNT_SCHEMAS, adminAccountPaths } from './openapi-admin-accounts.js';
import { bearer, errors, json, ref, sse } from './openapi-helpers.js';

type Schema = z.ZodType;

const SCHEMAS: Record<string, Schema> = {
  ApiError: ApiErrorBody,
  PlaceOrderRequest,
  AmendOrderRequest,
  OrderView,
  OrderTimelinePage: pageOf(OrderTimelineEntry),
  InstrumentView,
  BookView,
  TradeView,
  CandleView,
  TickerView,
  SessionChangeView,
  TradingCalendarView,
  ...ACCOUNT_SCHEMAS,
  ...ADMIN_ACCOUNT_SCHEMAS,
};

const symbol = { name: 'symbol', in: 'path', required: true, schema: { type: 'string', example: 'PETR4' } };
/** Where a new EventSource resumes (it cannot send Last-Event-ID, which wins when both are there). */
const lastEventId = { name: 'lastEventId', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } };
const orderId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
/** The OpenAPI 3.1 document of the API, its schemas generated from the zod contracts the API validates with. */
export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bolsa API',
      version: '1',
      description:
        'Prices and quantities are decimal strings in requests and responses. Errors are {code, message, details}; ' +
        'a method a path does not take is answered 405 method_not_allowed with an Allow header, and OPTIONS 204 with ' +
        'that header.',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: '<key id>.<secret>' },
        session: { type: 'apiKey', in: 'cookie', name: 'bolsa_session', description: 'set by signup and login' },
        csrf: {
          type: 'apiKey',
          in: 'header',
          name: 'X-CSRF-Token',
          description: 'the csrfToken from login, needed with the cookie on POST, PATCH and DELETE',
        },
      },
      schemas: Object.fromEntries(
        Object.entries(SCHEMAS).map(([name, schema]) => [
          name,
          z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
        ]),
      ),
    },
    paths: {
      ...accountPaths(),
      ...adminAccountPaths(),
      '/api/orders': {
        post: {
          summary:
            'Place an order (202: recorded and sent to the engine, or re-sent later if Kafka was out of reach; ' +
            'status follows its events). Market and stop-market orders get a protectionPrice, 10% past the last ' +
            'trade (or the reference price) or past the stop price: they trade no further, and a buy holds cash at it. ' +
            'A clientOrderId names one open order of the account at a time (409 duplicate_client_order_id, with ' +
            'the orderId that has it); 403 account_suspended while the account is suspended; 409 market_closed ' +
            'outside trading hours (MARKET_OPEN to MARKET_CLOSE on trading days, with details.opensAt), as amends; ' +
            'in the pre-opening call auction (MARKET_PREOPENING_MINUTES before the opening) orders rest without ' +
            'trading until the opening, when what crosses trades at one price, and market, IOC, FOK and post-only ' +
            'orders get 409 auction_call (details.auction, details.endsAt); so in the closing call ' +
            "(MARKET_CLOSING_CALL_MINUTES before the close), which uncrosses at the close, and in an instrument's " +
            'reopening call after a halt (details.auction reopening; MARKET_REOPENING_SECONDS) or its volatility ' +
            "auction (details.auction volatility; the instrument's volatilityAuction)",
          security: bearer,
          parameters: [
            { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 100 } },
          ],
          requestBody: json(ref('PlaceOrderRequest')),
          responses: {
            '202': { description: 'accepted', ...json(ref('OrderView')) },
            ...errors(400, 401, 403, 404, 409, 422, 429),
          },
        },
        delete: {
          summary:
            "Cancel all the caller's open orders, or those of one symbol (up to 500 a call, newest first); " +
            'answers with the orders a cancel was sent for',
          security: bearer,
          parameters: [{ name: 'symbol', in: 'query', required: false, schema: { type: 'string' } }],
          responses: {
            '202': { description: 'sent', ...json({ type: 'array', items: ref('OrderView') }) },
            ...errors(401, 404, 503),
          },
        },
        get: {
          summary: "The caller's latest 200 orders (see /api/me/orders for pages and filters)",
          security: bearer,
          parameters: [
            { name: 'status', in: 'query', required: false, schema: { enum: ['open', 'done'] } },
            { name: 'clientOrderId', in: 'query', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'ok', ...json({ type: 'array', items: ref('OrderView') }) },
            ...errors(400, 401),
          },
        },
      },
      '/api/orders/{id}': {
        get: {
          summary: 'One of the caller’s orders',
          security: bearer,
          parameters: [orderId],
          responses: { '200': { description: 'ok', ...json(ref('OrderView')) }, ...errors(401, 404) },
        },
        delete: {
          summary: 'Cancel',
          security: bearer,
          parameters: [orderId],
          responses: { '202': { description: 'sent', ...json(ref('OrderView')) }, ...errors(401, 404, 409, 503) },
        },
        patch: {
          summary:
            "Amend the price, the total quantity, a waiting stop order's stopPrice or trailingOffset and/or a GTD " +
            "order's expiresOn",
          description:
            'What the new terms need beyond what the order holds is held at once (422 when it is not available); ' +
            'what they no longer need comes back once the engine has answered every amend on its way. 403 ' +
            'account_suspended while the account is suspended. expiresOn alone keeps the order in its place and is ' +
            'taken while closed or halted (400 not_good_till_date for an order that is not GTD; past, ' +
            'not_a_trading_day or too_far as when placing).',
          security: bearer,
          parameters: [orderId],
          requestBody: json(ref('AmendOrderRequest')),
          responses: {
            '202': { description: 'sent', ...json(ref('OrderView')) },
            ...errors(400, 401, 403, 404, 409, 422, 429, 503),
          },
        },
      },
      '/api/orders/{id}/timeline': {
        get: {
          summary: 'The order’s life step by step, oldest first',
          description:
            'received (by the API), accepted, each fill (price, quantity, fee, maker or taker), amends taken, ' +
            'refused commands (the order, a cancel or an amend of it, with the reason), a trailing stop moving, the ' +
            'stop firing, and how it ended; sequence is the engine’s for the symbol (0 for received).',
          security: bearer,
          parameters: [
            orderId,
            { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500 } },
          ],
          responses: { '200': { description: 'ok', ...json(ref('OrderTimelinePage')) }, ...errors(400, 401, 404) },
        },
      },
      '/api/instruments': {
        get: {
          summary: 'Instruments traded',
          responses: { '200': { description: 'ok', ...json({ type: 'array', items: ref('InstrumentView') }) } },
        },
      },
      '/api/calendar': {
        get: {
          summary:
            'The trading hours (new orders and amends are taken from opensAt, or a later opening of lateOpenings, ' +
            'less auctionMinutes of pre-opening call auction, to closesAt on trading days, its last ' +
            'closingCallMinutes a closing call; auction and auctionEndsAt: which auction runs, until when; open: ' +
            'whether now; nextOpen: when, while closed) and when trading days close (DAY orders expire then): ' +
            'weekdays and holidays, the last close (where the tickers’ session begins) and the next one',
          responses: { '200': { description: 'ok', ...json(ref('TradingCalendarView')) } },
        },
      },
      '/api/markets/{symbol}/book': {
        get: {
          summary: 'L2 book; uncross: where a crossed book (a call auction) would trade, over every level that crosses',
          parameters: [symbol, { name: 'depth', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } }],
          responses: { '200': { description: 'ok', ...json(ref('BookView')) }, ...errors(400, 404) },
        },
      },
      '/api/markets/{symbol}/trades': {
        get: {
          summary: 'Recent trades, newest first',
          parameters: [symbol, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } }],
          responses: {
            '200': { description: 'ok', ...json({ type: 'array', items: ref('TradeView') }) },
            ...errors(400, 404),
          },
        },
      },
      '/api/markets/{symbol}/candles': {
        get: {
          summary: 'OHLCV candles, oldest first',
          parameters: [symbol, { name: 'interval', in: 'query', schema: { enum: ['1m', '5m', '1h'] } }],
          responses: {
            '200': {
              description: 'ok',
              headers: {
                [LAST_TRADE_SEQUENCE_HEADER]: {
                  description:
                    'The engine sequence of the last trade the candles count (0 before the first): a chart that ' +
                    'updates its last candle from live trades adds only those with a greater sequence',
                  schema: { type: 'integer', minimum: 0 },
                },
              },
              ...json({ type: 'array', items: ref('CandleView') }),
            },
            ...errors(400, 404),
          },
        },
      },
      '/api/markets/{symbol}/ticker': {
        get: {
          summary:
            'Last price, the session since the last close of the day (the last 24 hours before the first; whole minutes), and the change against the previous close',
          parameters: [symbol],
          responses: { '200': { description: 'ok', ...json(ref('TickerView')) }, ...errors(404) },
        },
      },
      '/api/stream/markets/{symbol}': {
        get: {
          summary:
            'SSE: trade, level, ticker events, and session (SessionChangeView) when a trading day is closed; resume ' +
            'with Last-Event-ID (or ?lastEventId=)',
          parameters: [symbol, lastEventId],
          responses: { '200': sse('event stream'), ...errors(404) },
        },
      },
      '/api/stream/orders': {
        get: {
          summary:
            "SSE: the caller's order, fill, stop (a stop order fired) and amend_rejected (the engine refused an amend) events",
          security: bearer,
          parameters: [lastEventId],
          responses: { '200': sse('event stream'), ...errors(401) },
        },
      },
      '/api/stream/me': {
        get: {
          summary:
            "SSE: the caller's order, fill, stop and amend_rejected events, wallet (at once, then whenever it " +
            'changes), account (when suspended or reinstated) and alerts (every price alert, at once, then whenever ' +
            'one goes off)',
          security: bearer,
          parameters: [lastEventId],
          responses: { '200': sse('event stream'), ...errors(401) },
        },
      },
      '/api/stream/tickers': {
        get: {
          summary:
            "SSE: every instrument's ticker event at once, then each instrument's after its trades; a session " +
            'event (SessionChangeView) when a trading day is closed: read /api/calendar again',
          responses: { '200': sse('event stream') },
        },
      },
      '/api/stream/trades': {
        get: {
          summary: 'SSE: every trade (admins)',
          security: bearer,
          parameters: [lastEventId],
          responses: { '200': sse('event stream'), ...errors(401, 403) },
        },
      },
      '/health': { get: { summary: 'Liveness', responses: { '200': { description: 'ok' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'text exposition' } } } },
    },
  };
}
