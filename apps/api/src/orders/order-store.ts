import { Inject, Injectable } from '@nestjs/common';
import {
  formatCents,
  formatQuantity,
  MARKET_PROTECTION_BPS,
  OPEN_STATUSES,
  OrderId,
  type OrderFields,
  type OrderStatus,
  type Side,
} from '@bolsa/contracts';
import { accountSuspended, refuseIfSuspended, suspensionOf } from '../accounts/suspension-check.js';
import { ChangeNotifier } from '../database/change-notifier.js';
import { GroupCommit } from '../database/group-commit.js';
import { SqlPool } from '../database/sql-pool.js';
import { ApiMetrics } from '../observability/metrics.js';
import { ApiError } from '../errors/api-error.js';
import { haltReasonOf, tradingHalted } from '../markets/trading-halts.js';
import { holdAfterAmend, type HoldPlan } from '../wallets/holds.js';
import { appendLedger, CASH } from '../wallets/ledger.js';
import { balanceKey, bigOrNull } from '../wallets/settlement.js';
import { unchangedAmend, type AmendTerms, type RecordedTerms } from './amend-terms.js';
import type { OrderRow } from './order-view.js';
import type { CommandTarget, RecordedOrder, UnansweredAmend } from './engine-commands.js';

export interface NewOrder {
  readonly orderId: string;
  readonly accountId: string;
  readonly symbol: string;
  readonly fields: OrderFields;
  readonly protectionPrice: number | null;
  readonly idempotencyKey: string | null;
  readonly requestHash: string | null;
  readonly traceId: string;
  readonly hold: HoldPlan;
}

const cents = (value: number | null) => (value === null ? null : String(value));

function insufficient(
  asset: string,
  required: bigint,
  available: bigint | undefined,
  field: string,
  why = '',
): ApiError {
  const code = asset === CASH ? 'insufficient_funds' : 'insufficient_shares';
  const what = asset === CASH ? 'cash' : `${asset} shares`;
  // Decimal strings at the HTTP edge, as every amount the API shows.
  const format = asset === CASH ? formatCents : formatQuantity;
  const [needed, free] = [format(required), format(available ?? 0n)];
  return new ApiError(code, `not enough available ${what}: the order needs ${needed}${why}, ${free} is free`, {
    fields: [{ field, code, message: `${field} needs more ${what} than is available${why}` }],
    asset,
    required: needed,
    available: free,
  });
}

/** Which price a market or stop-market buy holds cash at, and why. */
function unpricedHoldReason(order: NewOrder): string {
  const kind = order.fields.orderType === 'market' ? 'market' : 'stop-market';
  const at = `its quantity at ${formatCents(order.hold.price ?? 0n)}`;
  if (order.protectionPrice === null) {
    return `${at}, the highest price the instrument's band allows, which a ${kind} buy may pay`;
  }
  const reference = kind === 'market' ? 'the last trade, or the reference price before the first' : 'its stop price';
  return `${at}, its protection price (${MARKET_PROTECTION_BPS / 100}% above ${reference}): the most a ${kind} buy may pay`;
}

/** What `place_orders` did with one order. */
interface Placement {
  readonly outcome: 'placed' | 'insufficient' | 'duplicate' | 'halted' | 'suspended';
  readonly createdAt: Date | null;
}

/** Another order already took this order's idempotency key, or, among the open orders, its clientOrderId. */
export class PlacementConflict extends Error {
  constructor() {
    super('the idempotency key or the clientOrderId is taken');
  }
}

/** The columns a command about an order needs. */
interface TargetRow {
  id: string;
  account_id: string;
  symbol: string;
  client_order_id: string | null;
  trace_id: string;
}

const targetOf = (row: TargetRow): CommandTarget => ({
  orderId: row.id,
  accountId: row.account_id,
  symbol: row.symbol,
  clientOrderId: row.client_order_id,
  traceId: row.trace_id,
});

const holdKey = (order: NewOrder) => balanceKey(order.accountId, order.hold.asset);
const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function placementJson(order: NewOrder): Record<string, unknown> {
  const { fields, hold } = order;
  return {
    id: order.orderId,
    account_id: order.accountId,
    symbol: order.symbol,
    side: fields.side,
    type: fields.orderType,
    time_in_force: fields.timeInForce,
    expires_on: fields.expiresOn,
    price: fields.price,
    stop_price: fields.stopPrice,
    trailing_offset: fields.trailingOffset,
    protection_price: order.protectionPrice,
    quantity: fields.quantity,
    post_only: fields.postOnly,
    self_trade_prevention: fields.selfTradePrevention,
    client_order_id: fields.clientOrderId,
    idempotency_key: order.idempotencyKey,
    request_hash: order.requestHash,
    trace_id: order.traceId,
    hold_asset: hold.asset,
    hold_amount: String(hold.amount),
    hold_price: hold.price === null ? null : String(hold.price),
    hold_fee_bps: hold.feeBps,
  };
}

/** The columns of an order that its place command carries, as plain pg reads them. */
interface PendingRow {
  id: string;
  account_id: string;
  symbol: string;
  trace_id: string;
  created_at: Date;
  side: OrderFields['side'];
  type: OrderFields['orderType'];
  time_in_force: OrderFields['timeInForce'];
  expires_on: string | null;
  price: string | null;
  stop_price: string | null;
  trailing_offset: string | null;
  protection_price: string | null;
  quantity: string;
  post_only: boolean;
  self_trade_prevention: OrderFields['selfTradePrevention'];
  client_order_id: string | null;
}

const centsOrNull = (value: string | null) => (value === null ? null : Number(value));

function recordedOrder(row: PendingRow): RecordedOrder {
  return {
    orderId: row.id,
    accountId: row.account_id,
    symbol: row.symbol,
    traceId: row.trace_id,
    recordedAt: row.created_at,
    fields: {
      side: row.side,
      orderType: row.type,
      timeInForce: row.time_in_force,
      expiresOn: row.expires_on,
      price: centsOrNull(row.price),
      stopPrice: centsOrNull(row.stop_price),
      trailingOffset: centsOrNull(row.trailing_offset),
      quantity: Number(row.quantity),
      postOnly: row.post_only,
      selfTradePrevention: row.self_trade_prevention,
      clientOrderId: row.client_order_id,
    },
    protectionPrice: centsOrNull(row.protection_price),
  };
}

/** The row `place_orders` wrote for a placed order, without reading it back. */
export function pendingRow(order: NewOrder, createdAt: Date): OrderRow {
  const { fields } = order;
  return {
    id: order.orderId,
    account_id: order.accountId,
    client_order_id: fields.clientOrderId,
    symbol: order.symbol,
    side: fields.side,
    type: fields.orderType,
    time_in_force: fields.timeInForce,
    expires_on: fields.expiresOn,
    price: cents(fields.price),
    stop_price: cents(fields.stopPrice),
    trailing_offset: cents(fields.trailingOffset),
    protection_price: cents(order.protectionPrice),
    quantity: String(fields.quantity),
    filled_quantity: '0',
    filled_value: '0',
    status: 'pending',
    status_reason: null,
    amends_sent: 0,
    amends_answered: 0,
    last_sequence: 0,
    triggered_at: null,
    created_at: createdAt,
    updated_at: createdAt,
  };
}

/** Orders and the holds behind them, written together so an order never exists without its hold. */
@Injectable()
export class OrderStore {
  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(ChangeNotifier) private readonly notifier: ChangeNotifier,
  ) {}

  /** Concurrent placements share one call of `place_orders` (one round trip, one commit). */
  private readonly placements = new GroupCommit<NewOrder, Placement>((batch) => this.placeBatch(batch), 2, 256);

  /**
   * Holds the order's cash or shares and records it as pending, together: the conditional update takes the
   * balance's row lock and re-checks `available` after any concurrent writer, so concurrent orders of one account
   * can never together hold more than it has. Nothing is written when the balance is short.
   */
  async insertWithHold(order: NewOrder): Promise<OrderRow> {
    const placement = await this.placements.submit(order);
    if (placement.outcome === 'placed') return pendingRow(order, placement.createdAt!);
    if (placement.outcome === 'duplicate') throw new PlacementConflict();
    if (placement.outcome === 'halted') throw tradingHalted(order.symbol, await haltReasonOf(this.sql, order.symbol));
    if (placement.outcome === 'suspended') {
      // Lifted since place_orders saw it: the order was still refused, and can be sent again.
      const lifted = { since: new Date().toISOString(), reason: 'lifted a moment ago, send the order again' };
      throw accountSuspended((await suspensionOf(this.sql, order.accountId)) ?? lifted);
    }
    const available = await this.available(order.accountId, order.hold.asset);
    const { orderType, side } = order.fields;
    // A buy that names no price holds the most it could pay: a surprise unless said.
    const unpriced = orderType === 'market' || orderType === 'stop_market';
    const why =
      side === 'buy' && order.hold.price !== null && unpriced ? ` (${unpricedHoldReason(order)}, plus the fee)` : '';
    throw insufficient(order.hold.asset, order.hold.amount, available, 'quantity', why);
  }

  /**
   * One call for the batch, its orders sorted by the balance they hold (the order every writer locks balances in,
   * so batches never deadlock). Should the batch fail as a whole, each order is tried alone, so one bad order
   * cannot fail the others.
   */
  private async placeBatch(batch: NewOrder[]): Promise<Placement[]> {
    const timer = this.metrics.dbSeconds.startTimer({ operation: 'place_order' });
    try {
      const sorted = [...batch].sort((a, b) => compareKeys(holdKey(a), holdKey(b)));
      const { rows } = await this.sql.query<{
        placed_id: string;
        placed_outcome: Placement['outcome'];
        placed_at: Date | null;
      }>({
        name: 'place_orders',
        text: 'SELECT placed_id, placed_outcome, placed_at FROM place_orders($1::jsonb)',
        values: [JSON.stringify(sorted.map(placementJson))],
      });
      const byId = new Map(rows.map((row) => [row.placed_id, row]));
      this.notifier.walletsChanged(
        batch.filter((order) => byId.get(order.orderId)?.placed_outcome === 'placed').map((order) => order.accountId),
      );
      return batch.map((order) => {
        const row = byId.get(order.orderId)!;
        return { outcome: row.placed_outcome, createdAt: row.placed_at };
      });
    } catch (error) {
      if (batch.length === 1) throw error;
      return (await Promise.all(batch.map((order) => this.placeBatch([order])))).flat();
    } finally {
      timer();
    }
  }

  /**
   * Before an amend is sent: refuses it (400) if it asks for nothing new (`unchangedAmend`), records it (its number,
   * returned, is the order's count of amends), and holds what more its terms need (`holdAfterAmend`; 422 when that
   * is not available). Settlement gives back what is no longer needed once the engine has answered the last amend.
   */
  async holdForAmend(
    orderId: string,
    change: { price: number | null; quantity: number | null },
    traceId: string,
    requested: AmendTerms,
  ): Promise<number> {
    const recorded = await this.sql.transaction(async (tx) => {
      const { rows } = await tx.query<
        RecordedTerms & {
          account_id: string;
          status: string;
          side: Side;
          filled_quantity: string;
          hold_asset: string;
          hold_amount: string;
          hold_price: string | null;
          hold_fee_bps: number;
        }
      >(
        `SELECT account_id, status, side, filled_quantity, hold_asset, hold_amount, hold_price, hold_fee_bps,
                price, quantity, stop_price, trailing_offset, expires_on,
                amends_sent, amends_answered
           FROM orders WHERE id = $1 FOR UPDATE`,
        [orderId],
      );
      const order = rows[0];
      if (order === undefined) throw new ApiError('not_found', 'no such order');
      await refuseIfSuspended(tx, order.account_id);
      // Checked again under the lock: the order may have finished (and released its hold) since it was read.
      if (!OPEN_STATUSES.includes(order.status as OrderStatus)) {
        throw new ApiError('order_not_open', `the order is ${order.status}`, { orderId, status: order.status });
      }
      // Under the lock too: an amend recorded a moment ago and not answered yet makes the row's terms out of date.
      const unchanged = unchangedAmend(requested, order);
      if (unchanged !== null) throw ApiError.validation(unchanged);
      const held = BigInt(order.hold_amount);
      const hold = holdAfterAmend(
        {
          side: order.side,
          amount: held,
          price: bigOrNull(order.hold_price),
          feeBps: order.hold_fee_bps,
        },
        BigInt(order.filled_quantity),
        change,
      );
      const extra = hold.amount - held;
      const amendNumber = order.amends_sent + 1;
      await tx.query(
        `UPDATE orders SET amends_sent = $4, amend_sent_at = LOCALTIMESTAMP, hold_amount = $2::bigint, hold_price = $3
          WHERE id = $1`,
        [orderId, String(hold.amount), hold.price === null ? null : String(hold.price), amendNumber],
      );
      if (extra === 0n) return { amendNumber, heldFrom: null };
      const { rows: balances } = await tx.query<{ available: string; held: string }>(
        `UPDATE balances SET available = available - $3::bigint, held = held + $3::bigint, updated_at = now()
          WHERE account_id = $1 AND asset = $2 AND available >= $3::bigint RETURNING available, held`,
        [order.account_id, order.hold_asset, String(extra)],
      );
      const balance = balances[0];
      if (balance === undefined) {
        throw insufficient(
          order.hold_asset,
          extra,
          await this.available(order.account_id, order.hold_asset),
          change.price !== null && order.side === 'buy' ? 'price' : 'quantity',
        );
      }
      await appendLedger(tx, [
        {
          accountId: order.account_id,
          asset: order.hold_asset,
          reason: 'hold',
          availableChange: -extra,
          heldChange: extra,
          availableAfter: BigInt(balance.available),
          heldAfter: BigInt(balance.held),
          orderId,
          tradeId: null,
          traceId,
        },
      ]);
      return { amendNumber, heldFrom: order.account_id };
    });
    if (recorded.heldFrom !== null) this.notifier.walletsChanged([recorded.heldFrom]);
    return recorded.amendNumber;
  }

  /**
   * Live orders of accounts suspended more than `olderThanMs` ago: their suspension's cancels did not all get
   * through (through the partial index on suspended accounts, then each one's orders by status).
   */
  async liveOrdersOfSuspendedSince(olderThanMs: number, limit: number): Promise<CommandTarget[]> {
    const { rows } = await this.sql.query<TargetRow>({
      name: 'suspended_live_orders',
      text: `SELECT o.id, o.account_id, o.symbol, o.client_order_id, o.trace_id
               FROM accounts a JOIN orders o ON o.account_id = a.id AND o.status IN ('pending', 'open', 'partially_filled')
              WHERE a.suspended_at IS NOT NULL
                AND a.suspended_at < LOCALTIMESTAMP - make_interval(secs => $1::float8 / 1000)
              ORDER BY o.created_at
              LIMIT $2`,
      values: [olderThanMs, limit],
    });
    return rows.map(targetOf);
  }

  /**
   * Live orders whose last amend was recorded more than `olderThanMs` ago and is not answered yet, longest waiting
   * first (through the partial index on orders with an amend on its way).
   */
  async unansweredAmendsSince(olderThanMs: number, limit: number): Promise<UnansweredAmend[]> {
    const { rows } = await this.sql.query<TargetRow & { amends_sent: number }>({
      name: 'unanswered_amends',
      text: `SELECT id, account_id, symbol, client_order_id, trace_id, amends_sent FROM orders
              WHERE amends_answered < amends_sent AND status IN ('pending', 'open', 'partially_filled')
                AND amend_sent_at < LOCALTIMESTAMP - make_interval(secs => $1::float8 / 1000)
              ORDER BY amend_sent_at
              LIMIT $2`,
      values: [olderThanMs, limit],
    });
    return rows.map((row) => ({ ...targetOf(row), amendNumber: row.amends_sent }));
  }

  /**
   * Orders recorded more than `olderThanMs` ago that the engine has not answered yet, oldest first (through the
   * partial index on pending orders).
   */
  async pendingSince(olderThanMs: number, limit: number): Promise<RecordedOrder[]> {
    const { rows } = await this.sql.query<PendingRow>({
      name: 'pending_orders',
      text: `SELECT id, account_id, symbol, trace_id, created_at, side, type, time_in_force, expires_on, price, stop_price,
                    trailing_offset, protection_price, quantity, post_only, self_trade_prevention, client_order_id
               FROM orders
              WHERE status = 'pending' AND created_at < LOCALTIMESTAMP - make_interval(secs => $1::float8 / 1000)
              ORDER BY created_at
              LIMIT $2`,
      values: [olderThanMs, limit],
    });
    return rows.map(recordedOrder);
  }

  /**
   * One of the account's orders, or null (another account's order reads as missing). Plain pg, planned per call:
   * Prisma's findUnique cost ~0.7 ms of CPU per request here, and every cancel and amend starts with this read.
   */
  async find(accountId: string, orderId: string): Promise<OrderRow | null> {
    // Anything but a UUID cannot name an order, and PostgreSQL would refuse to compare it with one.
    if (!OrderId.safeParse(orderId).success) return null;
    const { rows } = await this.sql.query<OrderRow>('SELECT * FROM orders WHERE id = $1 AND account_id = $2', [
      orderId,
      accountId,
    ]);
    return rows[0] ?? null;
  }

  /** Any account's order with its owner's name and email (an administrator's look), or null. */
  async findWithOwner(
    orderId: string,
  ): Promise<(OrderRow & { owner_name: string; owner_email: string | null }) | null> {
    if (!OrderId.safeParse(orderId).success) return null;
    const { rows } = await this.sql.query<OrderRow & { owner_name: string; owner_email: string | null }>(
      `SELECT o.*, a.name AS owner_name, a.email AS owner_email
         FROM orders o JOIN accounts a ON a.id = o.account_id WHERE o.id = $1`,
      [orderId],
    );
    return rows[0] ?? null;
  }

  /** The account's order placed under this Idempotency-Key, with the hash of the body it came with, or null. */
  async findByIdempotencyKey(
    accountId: string,
    key: string,
  ): Promise<(OrderRow & { request_hash: string | null }) | null> {
    const { rows } = await this.sql.query<OrderRow & { request_hash: string | null }>(
      'SELECT * FROM orders WHERE account_id = $1 AND idempotency_key = $2',
      [accountId, key],
    );
    return rows[0] ?? null;
  }

  private async available(accountId: string, asset: string): Promise<bigint | undefined> {
    const { rows } = await this.sql.query<{ available: string }>(
      'SELECT available FROM balances WHERE account_id = $1 AND asset = $2',
      [accountId, asset],
    );
    return rows[0] === undefined ? undefined : BigInt(rows[0].available);
  }
}
