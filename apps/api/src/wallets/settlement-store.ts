import { Inject, Injectable } from '@nestjs/common';
import type { EngineEvent, Side } from '@bolsa/contracts';
import type { PoolClient } from 'pg';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { appendLedger } from './ledger.js';
import {
  balanceKey,
  balancesInvolved,
  ordersInvolved,
  settle,
  type Balance,
  type HeldOrder,
  type SettlementOutcome,
} from './settlement.js';

/**
 * Runs settlement inside an ingestion transaction: locks the orders and balances a batch touches (orders first,
 * then balances in key order, as every other writer does, so writers never deadlock), folds the events, and
 * writes balances, holds and ledger entries back in a few set-wise statements.
 */
@Injectable()
export class SettlementStore {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
  ) {}

  async apply(tx: PoolClient, events: readonly EngineEvent[]): Promise<SettlementOutcome | null> {
    const orderIds = [...ordersInvolved(events)].sort();
    if (orderIds.length === 0) return null;
    const { orders, createdAt } = await this.lockOrders(tx, orderIds);
    const keys = balancesInvolved(events, orders).sort(([a1, s1], [a2, s2]) =>
      a1 === a2 ? (s1 < s2 ? -1 : 1) : a1 < a2 ? -1 : 1,
    );
    const balances = await this.lockBalances(tx, keys);
    const outcome = settle(events, orders, balances, this.config.fees);
    this.observeOrderToTrade(events, createdAt);
    for (const event of events) {
      if (event.type === 'trade') this.metrics.tradedQuantity.inc({ symbol: event.symbol }, event.quantity);
    }

    const changed = [...outcome.changedBalances].map((key) => {
      const [accountId, asset] = key.split('|') as [string, string];
      const balance = balances.get(key)!;
      return { accountId, asset, balance };
    });
    if (changed.length > 0) {
      await tx.query(
        `UPDATE balances b SET available = v.available, held = v.held, cost_basis = v.cost_basis, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
                AS v(account_id, asset, available, held, cost_basis)
          WHERE b.account_id = v.account_id AND b.asset = v.asset`,
        [
          changed.map((row) => row.accountId),
          changed.map((row) => row.asset),
          changed.map((row) => String(row.balance.available)),
          changed.map((row) => String(row.balance.held)),
          changed.map((row) => String(row.balance.costBasis)),
        ],
      );
    }
    const changedOrders = [...outcome.changedOrders].map((id) => orders.get(id)!);
    if (changedOrders.length > 0) {
      await tx.query(
        `UPDATE orders o SET hold_amount = v.hold_amount
           FROM unnest($1::uuid[], $2::bigint[]) AS v(id, hold_amount) WHERE o.id = v.id`,
        [changedOrders.map((order) => order.orderId), changedOrders.map((order) => String(order.holdAmount))],
      );
    }
    await appendLedger(tx, outcome.ledger);
    this.count(outcome);
    for (const event of events) {
      if (event.type === 'trade' && outcome.unsettled.includes(event.tradeId)) {
        this.logger.pino.error({ traceId: event.traceId, tradeId: event.tradeId }, 'trade recorded without settlement');
      }
    }
    return outcome;
  }

  /** How long each taker order took from being recorded to its first trade. */
  private observeOrderToTrade(events: readonly EngineEvent[], createdAt: ReadonlyMap<string, number>): void {
    const seen = new Set<string>();
    for (const event of events) {
      if (event.type !== 'trade' || seen.has(event.takerOrderId)) continue;
      seen.add(event.takerOrderId);
      const recorded = createdAt.get(event.takerOrderId);
      if (recorded !== undefined)
        this.metrics.orderToTradeSeconds.observe(Math.max(0, event.timestamp - recorded) / 1000);
    }
  }

  /** Counted before the commit: a rolled-back batch is retried and counted again, so these are approximate. */
  private count(outcome: SettlementOutcome): void {
    this.metrics.settledTrades.inc(outcome.fees.size);
    this.metrics.unsettledTrades.inc(outcome.unsettled.length);

    let fees = 0n;
    for (const { makerFee, takerFee } of outcome.fees.values()) fees += makerFee + takerFee;
    this.metrics.feesCollected.inc(Number(fees));
    for (const entry of outcome.ledger) this.metrics.ledgerEntries.inc({ reason: entry.reason });
  }

  private async lockOrders(
    tx: PoolClient,
    ids: string[],
  ): Promise<{ orders: Map<string, HeldOrder>; createdAt: Map<string, number> }> {
    const { rows } = await tx.query<{
      id: string;
      account_id: string;
      symbol: string;
      side: Side;
      hold_asset: string;
      hold_amount: string;
      hold_price: string | null;
      hold_fee_bps: number;
      created_at: Date;
    }>(
      `SELECT id, account_id, symbol, side, hold_asset, hold_amount, hold_price, hold_fee_bps, created_at
         FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    const createdAt = new Map(rows.map((row) => [row.id, row.created_at.getTime()]));
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
          holdPrice: row.hold_price === null ? null : BigInt(row.hold_price),
          holdFeeBps: row.hold_fee_bps,
        },
      ]),
    );
    return { orders, createdAt };
  }

  /** Creates the balances that do not exist yet (a first position in a symbol), then locks them all. */
  private async lockBalances(tx: PoolClient, keys: Array<[string, string]>): Promise<Map<string, Balance>> {
    const accountIds = keys.map(([accountId]) => accountId);
    const assets = keys.map(([, asset]) => asset);
    await tx.query(
      `INSERT INTO balances (account_id, asset)
       SELECT a.id, v.asset FROM unnest($1::uuid[], $2::text[]) AS v(account_id, asset)
         JOIN accounts a ON a.id = v.account_id
       ORDER BY 1, 2
       ON CONFLICT DO NOTHING`,
      [accountIds, assets],
    );
    const { rows } = await tx.query<{
      account_id: string;
      asset: string;
      available: string;
      held: string;
      cost_basis: string;
    }>(
      `SELECT b.account_id, b.asset, b.available, b.held, b.cost_basis
         FROM balances b JOIN unnest($1::uuid[], $2::text[]) AS v(account_id, asset)
           ON b.account_id = v.account_id AND b.asset = v.asset
        ORDER BY b.account_id, b.asset FOR UPDATE OF b`,
      [accountIds, assets],
    );
    return new Map(
      rows.map((row) => [
        balanceKey(row.account_id, row.asset),
        { available: BigInt(row.available), held: BigInt(row.held), costBasis: BigInt(row.cost_basis) },
      ]),
    );
  }
}
