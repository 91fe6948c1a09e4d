import { Inject, Injectable } from '@nestjs/common';
import type { EngineEvent, OrderType, Side } from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import type { Queryable } from './ledger.js';
import {
  balanceKey,
  balancesInvolved,
  bigOrNull,
  ordersInvolved,
  settle,
  type Balance,
  type HeldOrder,
  type SettlementOutcome,
} from './settlement.js';

/** What settling a batch changed, for the batch's single write: balances as they now stand, and orders' holds. */
export interface SettlementWrites {
  readonly outcome: SettlementOutcome;
  readonly balances: ReadonlyArray<{ accountId: string; asset: string; balance: Balance }>;
  readonly holds: ReadonlyArray<OrderHoldWrite>;
}

/** An order's hold as settlement leaves it, and the highest amend number answered. */
export interface OrderHoldWrite {
  readonly orderId: string;
  readonly holdAmount: bigint;
  readonly holdPrice: bigint | null;
  readonly amendsAnswered: number;
}

/** Orders locked for settlement, and how long ago each was recorded. */
interface LockedOrders {
  readonly orders: Map<string, HeldOrder>;
  readonly ageMs: ReadonlyMap<string, number>;
}

/** What settlement locked: the orders and the balances (by `balanceKey`) a batch may change. */
export interface Locked extends LockedOrders {
  readonly balances: Map<string, Balance>;
}

/**
 * Runs settlement inside an ingestion transaction: locks the orders and balances a batch touches (orders first,
 * then balances in key order, as every other writer does, so writers never deadlock) and folds the events. The
 * caller writes the result back together with the rest of the batch, in one statement.
 */
@Injectable()
export class SettlementStore {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
  ) {}

  /**
   * Locks what settling the events needs, sent at once (pipelined behind whatever went before): every order they
   * name, in id order, then every balance they may change, in key order. Sent before the caller knows which of its
   * events are new, so that it shares their insert's round trip: what only an event stored before names is locked
   * for nothing, which changes nothing.
   */
  lock(tx: Queryable, events: readonly EngineEvent[]): Promise<Locked> {
    // Every order the batch's write will update is locked here, before any balance: an amend locks its order and
    // then the balance it holds from, so an order taken after a balance (an acceptance in the same batch as a trade
    // of the same trader) could deadlock with it, and PostgreSQL would abort one of the two.
    const named = ordersInvolved(events);
    for (const event of events) if ('orderId' in event) named.add(event.orderId);
    if (named.size === 0) return Promise.resolve({ orders: new Map(), ageMs: new Map(), balances: new Map() });
    const orders = this.selectOrders(tx, [...named].sort());
    const balances = this.lockBalances(tx, balancesInvolved(events));
    return Promise.all([orders, balances]).then(([locked, lockedBalances]) => ({
      ...locked,
      balances: lockedBalances,
    }));
  }

  /** Folds the events into what they do to their orders' holds and the balances, all locked by `lock`. */
  settle(events: readonly EngineEvent[], locked: Locked): SettlementWrites | null {
    const { orders, ageMs, balances } = locked;
    if (ordersInvolved(events).size === 0) return null;
    const outcome = settle(events, orders, balances, this.config.fees);
    this.observeOrderToTrade(events, ageMs);
    for (const event of events) {
      if (event.type === 'trade') this.metrics.tradedQuantity.inc({ symbol: event.symbol }, event.quantity);
    }
    this.count(outcome);
    for (const event of events) {
      if (event.type === 'trade' && outcome.unsettled.includes(event.tradeId)) {
        this.logger.pino.error({ traceId: event.traceId, tradeId: event.tradeId }, 'trade recorded without settlement');
      }
    }
    return {
      outcome,
      balances: [...outcome.changedBalances].map((key) => {
        const [accountId, asset] = key.split('|') as [string, string];
        return { accountId, asset, balance: balances.get(key)! };
      }),
      holds: [...outcome.changedOrders].map((id) => {
        const { holdAmount, holdPrice, amendsAnswered } = orders.get(id)!;
        return { orderId: id, holdAmount, holdPrice, amendsAnswered };
      }),
    };
  }

  /**
   * How long each taker order took from being recorded to its first trade being settled. Not from the trade event's
   * timestamp: that is the placing command's, which is the moment the order was recorded, so it always gave 0.
   */
  private observeOrderToTrade(events: readonly EngineEvent[], ageMs: ReadonlyMap<string, number>): void {
    const seen = new Set<string>();
    for (const event of events) {
      if (event.type !== 'trade' || seen.has(event.takerOrderId)) continue;
      seen.add(event.takerOrderId);
      const age = ageMs.get(event.takerOrderId);
      if (age !== undefined) this.metrics.orderToTradeSeconds.observe(Math.max(0, age) / 1000);
    }
  }

  /** Counted before the commit: a rolled-back batch is retried and counted again, so these are approximate. */
  private count(outcome: SettlementOutcome): void {
    this.metrics.settledTrades.inc(outcome.tradeCosts.size);
    this.metrics.unsettledTrades.inc(outcome.unsettled.length);

    let fees = 0n;
    for (const { makerFee, takerFee } of outcome.tradeCosts.values()) fees += makerFee + takerFee;
    this.metrics.feesCollected.inc(Number(fees));
    for (const entry of outcome.ledger) this.metrics.ledgerEntries.inc({ reason: entry.reason });
  }

  private async selectOrders(tx: Queryable, ids: string[]): Promise<LockedOrders> {
    const { rows } = await tx.query<{
      id: string;
      account_id: string;
      symbol: string;
      side: Side;
      hold_asset: string;
      hold_amount: string;
      hold_price: string | null;
      hold_fee_bps: number;
      type: OrderType;
      quantity: string;
      filled_quantity: string;
      price: string | null;
      protection_price: string | null;
      amends_sent: number;
      amends_answered: number;
      age_ms: number;
    }>({
      // Prepared, like the other statements of an ingestion (see EventIngestion). The age is the database's own
      // clock against the time it recorded, so no other clock or time zone comes into it.
      name: 'ingest_lock_orders',
      text: `SELECT id, account_id, symbol, side, hold_asset, hold_amount, hold_price, hold_fee_bps, type, quantity,
                    filled_quantity, price, protection_price, amends_sent, amends_answered,
                    extract(epoch FROM clock_timestamp()::timestamp(3) - created_at)::float8 * 1000 AS age_ms
               FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      values: [ids],
    });
    const ageMs = new Map(rows.map((row) => [row.id, row.age_ms]));
    const orders = new Map(
      rows.map((row) => [
        row.id,
        {
          orderId: row.id,
          accountId: row.account_id,
          symbol: row.symbol,
          side: row.side,
          holdAsset: row.hold_asset,
          holdAmount: BigInt(row.hold_amount),
          holdPrice: bigOrNull(row.hold_price),
          holdFeeBps: row.hold_fee_bps,
          orderType: row.type,
          remaining: BigInt(row.quantity) - BigInt(row.filled_quantity),
          price: bigOrNull(row.price),
          protectionPrice: bigOrNull(row.protection_price),
          amendsSent: row.amends_sent,
          amendsAnswered: row.amends_answered,
        },
      ]),
    );
    return { orders, ageMs };
  }

  /**
   * Locks the balances in key order: the trades' and those the orders in `holdsOf` hold from. Should a trade's not
   * exist yet (a first position in a symbol), it is created and they are locked again.
   */
  private async lockBalances(
    tx: Queryable,
    { keys, holdsOf }: { keys: Array<[string, string]>; holdsOf: string[] },
  ): Promise<Map<string, Balance>> {
    // A batch without trades or holds to release (acceptances and book changes only) has no balance to lock.
    if (keys.length === 0 && holdsOf.length === 0) return new Map();
    const accountIds = keys.map(([accountId]) => accountId);
    const assets = keys.map(([, asset]) => asset);
    const balances = await this.selectForUpdate(tx, accountIds, assets, holdsOf);
    if (keys.every(([accountId, asset]) => balances.has(balanceKey(accountId, asset)))) return balances;
    await tx.query(
      `INSERT INTO balances (account_id, asset)
       SELECT a.id, v.asset FROM unnest($1::uuid[], $2::text[]) AS v(account_id, asset)
         JOIN accounts a ON a.id = v.account_id
       ORDER BY 1, 2
       ON CONFLICT DO NOTHING`,
      [accountIds, assets],
    );
    return this.selectForUpdate(tx, accountIds, assets, holdsOf);
  }

  private async selectForUpdate(
    tx: Queryable,
    accountIds: string[],
    assets: string[],
    holdsOf: string[],
  ): Promise<Map<string, Balance>> {
    const { rows } = await tx.query<{
      account_id: string;
      asset: string;
      available: string;
      held: string;
      cost_basis: string;
    }>({
      name: 'ingest_lock_balances',
      // The orders in holdsOf were locked by the statement before this one, so what they hold from is settled.
      text: `SELECT b.account_id, b.asset, b.available, b.held, b.cost_basis
               FROM balances b
              WHERE (b.account_id, b.asset) IN (
                      SELECT * FROM unnest($1::uuid[], $2::text[])
                      UNION SELECT o.account_id, o.hold_asset FROM orders o WHERE o.id = ANY($3::uuid[]))
              ORDER BY b.account_id, b.asset FOR UPDATE OF b`,
      values: [accountIds, assets, holdsOf],
    });
    return new Map(
      rows.map((row) => [
        balanceKey(row.account_id, row.asset),
        { available: BigInt(row.available), held: BigInt(row.held), costBasis: BigInt(row.cost_basis) },
      ]),
    );
  }
}
