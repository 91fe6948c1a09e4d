import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AmendOrderRequest,
  DONE_STATUSES,
  OPEN_STATUSES,
  parsePrice,
  overOrderLimit,
  parseQuantity,
  orderProtection,
  outOfBand,
  PlaceOrderRequest,
  toOrderFields,
  type FieldError,
  type Instrument,
  type OrderFields,
  type OrderStatus,
  type OrderView,
  type PlaceOrderCommand,
  type Side,
} from '@bolsa/contracts';
import { isUniqueViolation } from '../database/errors.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';
import { parseBody } from '../errors/parse-body.js';
import { idempotencyKey as checkIdempotencyKey } from '../errors/query-params.js';
import { InstrumentRegistry } from '../markets/instrument-registry.js';
import { MarketDataService } from '../markets/market-data.service.js';
import { ReopeningCalls } from '../markets/reopening-calls.js';
import { TradingHalts } from '../markets/trading-halts.js';
import { CommandPublisher, settledWithin } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { WindowLimiter } from '../auth/window-limiter.js';
import { MarketHours } from '../sessions/market-hours.js';
import { planHold } from '../wallets/holds.js';
import type { AmendTerms } from './amend-terms.js';
import { newOrderId } from './order-ids.js';
import { OrderStore, PlacementConflict } from './order-store.js';
import { HistoryStore } from './history.store.js';
import { amendCommand, cancelCommand, placeCommand, type CommandTarget } from './engine-commands.js';
import { rowToOrderView, type OrderRow } from './order-view.js';

/** How many open orders one `DELETE /api/orders` cancels at most. */
export const CANCEL_ALL_LIMIT = 500;

export interface Caller {
  readonly accountId: string;
  readonly traceId: string;
}

/** The order a cancel or amend from this caller is about. */
function commandTarget(caller: Caller, order: OrderRow): CommandTarget {
  return {
    orderId: order.id,
    accountId: caller.accountId,
    symbol: order.symbol,
    clientOrderId: order.client_order_id,
    traceId: caller.traceId,
  };
}

/** A stable hash of a request body: the same fields in any order hash the same. */
function bodyHash(body: unknown): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

@Injectable()
export class OrdersService {
  /** Each account's new orders and amends this second (null: ORDER_ENTRY_PER_SECOND is 0, no limit). */
  private readonly entryLimit: WindowLimiter | null;

  constructor(
    @Inject(HistoryStore) private readonly history: HistoryStore,
    @Inject(InstrumentRegistry) private readonly instruments: InstrumentRegistry,
    @Inject(MarketDataService) private readonly marketData: MarketDataService,
    @Inject(CommandPublisher) private readonly publisher: CommandPublisher,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
    @Inject(TradingHalts) private readonly halts: TradingHalts,
    @Inject(MarketHours) private readonly hours: MarketHours,
    @Inject(ReopeningCalls) private readonly reopenings: Pick<ReopeningCalls, 'refusal'>,
  ) {
    const perSecond = config.orderEntryPerSecond;
    this.entryLimit = perSecond === 0 ? null : new WindowLimiter(perSecond, 1000);
  }

  /** Counts a new order or an amend against the account's ORDER_ENTRY_PER_SECOND; past it, 429 until the second ends. */
  private throttle(accountId: string): void {
    if (this.entryLimit === null) return;
    const wait = this.entryLimit.admit(accountId);
    if (wait > 0) {
      this.metrics.ordersRejected.inc({ reason: 'rate_limited' });
      throw new ApiError('rate_limited', `more than ${this.config.orderEntryPerSecond} orders and amends a second`, {
        limitPerSecond: this.config.orderEntryPerSecond,
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
  }

  /**
   * Validates, records the order as pending and sends it to the engine. With an idempotency key, a repeat of the
   * same body returns the order already made; another body under the same key is a conflict.
   */
  async place(caller: Caller, body: unknown, idempotencyKey: string | undefined): Promise<OrderView> {
    this.throttle(caller.accountId);
    checkIdempotencyKey(idempotencyKey);
    let request: PlaceOrderRequest;
    let instrument: Instrument;
    let fields: ReturnType<typeof toOrderFields>;
    try {
      request = parseBody(PlaceOrderRequest, body);
      instrument = this.instruments.require(request.symbol);
      fields = toOrderFields(request, instrument);
      if (!fields.ok) throw ApiError.validation(fields.error);
    } catch (error) {
      if (error instanceof ApiError) this.metrics.ordersRejected.inc({ reason: error.code });
      throw error;
    }
    // Only a repeat under the same Idempotency-Key is ever compared with the body it was first sent with.
    const hash = idempotencyKey === undefined ? null : bodyHash(body);

    if (idempotencyKey !== undefined) {
      const earlier = await this.byIdempotencyKey(caller.accountId, idempotencyKey, hash);
      if (earlier !== null) return earlier;
    }
    // After the repeat is answered: an order placed in hours is still itself when its answer is asked for again later.
    const order = fields.value;
    const closed =
      this.hours.refusal() ?? this.hours.auctionRefusal(order) ?? this.reopenings.refusal(instrument.symbol, order);
    if (closed !== null) {
      this.metrics.ordersRejected.inc({ reason: closed.code });
      throw closed;
    }
    const goodTill = order.expiresOn === null ? null : this.hours.goodTillProblem(order.expiresOn);
    if (goodTill !== null) {
      this.metrics.ordersRejected.inc({ reason: 'validation_failed' });
      throw ApiError.validation([goodTill]);
    }
    const orderId = newOrderId();
    const protection = await this.protectionFor(order, instrument);
    const feeBps = Math.max(this.config.fees.makerBps, this.config.fees.takerBps);
    const hold = planHold(order, instrument, feeBps, protection);
    if (hold === 'market_buy_needs_price_band') {
      throw ApiError.validation([
        { field: 'type', code: hold, message: `${order.orderType} buys need a price band on ${instrument.symbol}` },
      ]);
    }
    let created: OrderRow;
    const recording = this.metrics.orderEntrySeconds.startTimer({ step: 'recording' });
    try {
      created = await this.store.insertWithHold({
        orderId,
        accountId: caller.accountId,
        symbol: instrument.symbol,
        fields: order,
        protectionPrice: protection,
        idempotencyKey: idempotencyKey ?? null,
        requestHash: hash,
        traceId: caller.traceId,
        hold,
      });
    } catch (caught) {
      let error = caught;
      if (caught instanceof PlacementConflict || isUniqueViolation(caught)) {
        // Two requests raced with one idempotency key: the other one won; answer as a repeat of it.
        if (idempotencyKey !== undefined) {
          const earlier = await this.byIdempotencyKey(caller.accountId, idempotencyKey, hash);
          if (earlier !== null) return earlier;
        }
        if (order.clientOrderId !== null) error = await this.clientOrderIdTaken(caller.accountId, order.clientOrderId);
      }
      if (error instanceof ApiError) this.metrics.ordersRejected.inc({ reason: error.code });
      throw error;
    }
    recording();
    await this.submit(
      placeCommand(
        {
          orderId,
          accountId: caller.accountId,
          symbol: instrument.symbol,
          traceId: caller.traceId,
          recordedAt: created.created_at,
          fields: order,
          protectionPrice: protection,
        },
        this.hours,
      ),
    );
    this.metrics.ordersAccepted.inc({ symbol: instrument.symbol });
    return rowToOrderView(created);
  }

  async cancel(caller: Caller, orderId: string): Promise<OrderView> {
    const order = await this.openOrder(caller, orderId);
    await this.publisher.deliver(cancelCommand(commandTarget(caller, order)));
    return rowToOrderView(order);
  }

  /**
   * Cancels the caller's open orders, those of one symbol when `symbol` is given: up to CANCEL_ALL_LIMIT of them,
   * newest first (a caller with more calls again). Answers with the orders a cancel was sent for; each one's
   * status then follows the engine's events, as for a single cancel.
   */
  async cancelAll(caller: Caller, symbol: string | undefined): Promise<OrderView[]> {
    if (symbol !== undefined) this.instruments.require(symbol);
    const open = await this.history.orders(caller.accountId, {
      statuses: OPEN_STATUSES,
      symbol,
      limit: CANCEL_ALL_LIMIT,
    });
    await Promise.all(open.map((order) => this.publisher.deliver(cancelCommand(commandTarget(caller, order)))));
    return open.map(rowToOrderView);
  }

  async amend(caller: Caller, orderId: string, body: unknown): Promise<OrderView> {
    this.throttle(caller.accountId);
    const request = parseBody(AmendOrderRequest, body);
    const order = await this.openOrder(caller, orderId);
    const instrument = this.instruments.require(order.symbol);
    const errors: FieldError[] = [];
    let price = this.amendedPrice(order, 'price', request.price, instrument, errors);
    let quantity: number | null = null;
    if (request.quantity !== undefined) {
      const parsed = parseQuantity(request.quantity, instrument.lotSize);
      const overLimit = parsed.ok ? overOrderLimit(parsed.value, instrument) : null;
      if (!parsed.ok) {
        errors.push({ field: 'quantity', code: parsed.error.code, message: `quantity ${parsed.error.message}` });
      } else if (BigInt(parsed.value) <= BigInt(order.filled_quantity)) {
        // Known fills are refused here; the engine refuses the same for fills this record has not seen yet.
        const message = `quantity must be above the ${order.filled_quantity} already filled`;
        errors.push({ field: 'quantity', code: 'quantity_below_filled', message });
      } else if (overLimit !== null) {
        errors.push({ field: 'quantity', code: 'quantity_over_limit', message: `quantity ${overLimit}` });
      } else {
        quantity = parsed.value;
      }
    }
    const stopPrice = this.amendedPrice(order, 'stopPrice', request.stopPrice, instrument, errors);
    const trailingOffset = this.amendedDistance(order, request.trailingOffset, instrument, errors);
    const expiresOn = this.amendedLastDay(order, request.expiresOn, errors);
    if (errors.length > 0) throw ApiError.validation(errors);
    const requested: AmendTerms = { price, quantity, stopPrice, trailingOffset, expiresOn };
    // A stop-market's protection follows its stop, by the rule it was placed with; its hold follows that.
    if (stopPrice !== null && order.type === 'stop_market' && order.protection_price !== null) {
      price = orderProtection(instrument, { orderType: 'stop_market', side: order.side as Side, stopPrice }, null);
    }
    // A new price or quantity could trade; while the exchange is closed or the instrument halted only cancels are
    // taken, and moves of a GTD order's last day, which cannot trade.
    if (price !== null || quantity !== null || stopPrice !== null || trailingOffset !== null) {
      this.hours.refuseIfClosed();
      await this.halts.refuseIfHalted(order.symbol);
    }
    const amendNumber = await this.store.holdForAmend(orderId, { price, quantity }, caller.traceId, requested);
    // A new distance moves nothing at once (the stop trails from the next trade), so the hold stays as it is.
    const terms = { price, quantity, stopPrice, trailingOffset, expiresOn };
    const now = new Date();
    await this.publisher.deliver(
      amendCommand(commandTarget(caller, order), terms, amendNumber, now, this.hours.auctionEndsAt(now)),
    );
    // The order as it was read, but for the amend now on its way.
    return { ...rowToOrderView(order), amendPending: true };
  }

  async view(caller: Pick<Caller, 'accountId'>, orderId: string): Promise<OrderView> {
    return rowToOrderView(await this.owned(caller, orderId));
  }

  async list(
    caller: Pick<Caller, 'accountId'>,
    status: string | undefined,
    clientOrderId?: string,
  ): Promise<OrderView[]> {
    let statuses: readonly OrderStatus[] | undefined;
    if (status === 'open') statuses = OPEN_STATUSES;
    else if (status === 'done') statuses = DONE_STATUSES;
    else if (status !== undefined) {
      throw ApiError.validation([{ field: 'status', code: 'invalid', message: 'status must be open or done' }]);
    }
    const orders = await this.history.orders(caller.accountId, { statuses, clientOrderId, limit: 200 });
    return orders.map(rowToOrderView);
  }

  /**
   * How far a market or stop-market order may trade (`orderProtection`). Only a market order needs the market
   * price: the last trade, or the instrument's reference price before its first.
   */
  private async protectionFor(order: OrderFields, instrument: Instrument): Promise<number | null> {
    const marketPrice =
      order.orderType === 'market'
        ? ((await this.marketData.lastPrice(instrument.symbol)) ?? instrument.referencePrice ?? null)
        : null;
    return orderProtection(instrument, order, marketPrice);
  }

  /** A new limit or stop price, if the amend has one: only orders that have that price can change it. */
  private amendedPrice(
    order: OrderRow,
    field: 'price' | 'stopPrice',
    text: string | undefined,
    instrument: Instrument,
    errors: FieldError[],
  ): number | null {
    if (text === undefined) return null;
    if (field === 'stopPrice' && order.triggered_at !== null) return firedStop(field, errors);
    const has = field === 'price' ? order.price !== null : order.stop_price !== null;
    if (has) return this.checkedPrice(text, instrument, errors, field);
    const code = field === 'price' ? 'no_limit_price' : 'not_a_stop_order';
    errors.push({
      field,
      code,
      message: `a ${order.type} order has no ${field === 'price' ? 'limit price' : 'stop price'}`,
    });
    return null;
  }

  /** A GTD order's new last day, if the amend has one: a day it can live till, as when it was placed. */
  private amendedLastDay(order: OrderRow, day: string | undefined, errors: FieldError[]): string | null {
    if (day === undefined) return null;
    if (order.time_in_force !== 'GTD') {
      const message = `expiresOn is only for GTD orders: this one is ${order.time_in_force}`;
      errors.push({ field: 'expiresOn', code: 'not_good_till_date', message });
      return null;
    }
    const problem = this.hours.goodTillProblem(day);
    if (problem !== null) errors.push(problem);
    return problem === null ? day : null;
  }

  /** A trailing stop's new distance, if the amend has one: positive, on the tick, and only for trailing stops. */
  private amendedDistance(
    order: OrderRow,
    text: string | undefined,
    instrument: Instrument,
    errors: FieldError[],
  ): number | null {
    if (text === undefined) return null;
    if (order.triggered_at !== null) return firedStop('trailingOffset', errors);
    if (order.trailing_offset === null) {
      errors.push({
        field: 'trailingOffset',
        code: 'not_a_trailing_stop',
        message: 'only a trailing stop has a trailing distance',
      });
      return null;
    }
    return parsedPrice(text, instrument, errors, 'trailingOffset');
  }

  /** A price as `parsedPrice` reads it, and within the instrument's price band. */
  private checkedPrice(
    text: string,
    instrument: Instrument,
    errors: FieldError[],
    field: 'price' | 'stopPrice',
  ): number | null {
    const price = parsedPrice(text, instrument, errors, field);
    const outside = price === null ? null : outOfBand(price, instrument.priceBand);
    if (outside !== null) errors.push({ field, code: 'price_out_of_band', message: `${field} ${outside}` });
    return price;
  }

  /**
   * Sends a new order. A send that failed may still have reached Kafka, so the order stays pending with its hold
   * and is accepted all the same: the re-sender sends it again, and the engine either places it once or, if it
   * was sent too long after it was recorded, rejects it (which releases the hold). Releasing the hold here would
   * leave a placed order without the money it trades with.
   */
  private async submit(command: PlaceOrderCommand): Promise<void> {
    const { orderId, traceId } = command;
    const sending = this.publisher.publish(command).catch((error: unknown) => {
      this.metrics.ordersUnsent.inc();
      this.logger.pino.warn({ err: error, orderId, traceId }, 'order recorded but not sent; the re-sender takes it');
    });
    const publishing = this.metrics.orderEntrySeconds.startTimer({ step: 'publishing' });
    // A broker that takes connections but does not answer would hold the request for kafkajs's whole retry budget.
    if ((await settledWithin(sending, this.config.commandSendWaitMs)) === 'waiting') {
      this.logger.pino.warn({ orderId, traceId }, 'order not yet taken by Kafka; answered as pending');
    }
    publishing();
  }

  /** The refusal of a clientOrderId an open order of the account already has, naming that order. */
  private async clientOrderIdTaken(accountId: string, clientOrderId: string): Promise<ApiError> {
    const [open] = await this.history.orders(accountId, { statuses: OPEN_STATUSES, clientOrderId, limit: 1 });
    return new ApiError('duplicate_client_order_id', `an open order already has the clientOrderId ${clientOrderId}`, {
      orderId: open?.id ?? null,
      fields: [{ field: 'clientOrderId', code: 'duplicate', message: 'clientOrderId is taken by an open order' }],
    });
  }

  private async byIdempotencyKey(accountId: string, key: string, hash: string | null): Promise<OrderView | null> {
    const earlier = await this.store.findByIdempotencyKey(accountId, key);
    if (earlier === null) return null;
    if (earlier.request_hash !== hash) {
      throw new ApiError('idempotency_conflict', 'this Idempotency-Key was already used with a different order', {
        orderId: earlier.id,
      });
    }
    return rowToOrderView(earlier);
  }

  /** The caller's own order; anyone else's is indistinguishable from one that does not exist. */
  private async owned(caller: Pick<Caller, 'accountId'>, orderId: string): Promise<OrderRow> {
    const order = await this.store.find(caller.accountId, orderId);
    if (order === null) throw new ApiError('not_found', 'no such order');
    return order;
  }

  private async openOrder(caller: Caller, orderId: string): Promise<OrderRow> {
    const order = await this.owned(caller, orderId);
    if (!OPEN_STATUSES.includes(order.status as OrderStatus)) {
      throw new ApiError('order_not_open', `the order is ${order.status}`, { orderId, status: order.status });
    }
    return order;
  }
}

/**
 * A stop that fired is a limit or market order like any other: its stop no longer moves. (One that fires after the
 * order was read here is refused by the engine instead: `not_amendable`.)
 */
function firedStop(field: 'stopPrice' | 'trailingOffset', errors: FieldError[]): null {
  errors.push({ field, code: 'stop_triggered', message: 'the stop has already fired: the order is in the book now' });
  return null;
}

/** A positive amount of cents on the instrument's tick, or null after naming the field at fault. */
function parsedPrice(
  text: string,
  instrument: Instrument,
  errors: FieldError[],
  field: 'price' | 'stopPrice' | 'trailingOffset',
): number | null {
  const parsed = parsePrice(text, instrument.tickSize);
  if (parsed.ok) return parsed.value;
  errors.push({ field, code: parsed.error.code, message: `${field} ${parsed.error.message}` });
  return null;
}
