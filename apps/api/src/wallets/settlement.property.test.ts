import fc from 'fast-check';
import {
  DEFAULT_INSTRUMENTS,
  feeOn,
  OPEN_STATUSES,
  type EngineEvent,
  type OrderCommand,
  type OrderStatus,
  type OrderType,
  type Side,
} from '@bolsa/contracts';
import { ContractBook } from '@bolsa/order-book';
import { describe, expect, it } from 'vitest';
import { holdAfterAmend, planHold } from './holds.js';
import { CASH, EXCHANGE_ACCOUNT_ID } from './ledger.js';
import { balanceKey, ordersInvolved, settle, type Balance, type HeldOrder } from './settlement.js';

/**
 * Settlement against a real book, with the API's holds: random orders, cancels and amends are held for as the API
 * holds for them (refused when the account cannot cover them), matched by a `ContractBook`, and their events settled
 * in batches that lag behind the book as ingestion does, so amends are often still on their way and fills of an
 * order's old terms come after its new hold. After every batch the books keep the reconciliation's rules, and at the
 * end every trader's cash, shares and cost basis are what their trades, priced and charged independently here, leave
 * them.
 */
const PETR4 = DEFAULT_INSTRUMENTS.find((instrument) => instrument.symbol === 'PETR4')!;
const RATES = { makerBps: 2, takerBps: 3 };
/** The fee rate a hold is taken at: the higher of the two, as the API takes it. */
const HOLD_FEE_BPS = Math.max(RATES.makerBps, RATES.takerBps);
const TRADERS = [
  'a0000000-0000-4000-8000-00000000000a',
  'b0000000-0000-4000-8000-00000000000b',
  'c0000000-0000-4000-8000-00000000000c',
  'd0000000-0000-4000-8000-00000000000d',
] as const;
const START_CASH = 20_000_000n;
const START_SHARES = 3_000n;

type Step =
  | {
      kind: 'place';
      trader: number;
      side: Side;
      market: boolean;
      ioc: boolean;
      day: boolean;
      /** A stop order's stop price; null: not a stop order. */
      stop: number | null;
      price: number;
      quantity: number;
      protection: boolean;
    }
  | { kind: 'cancel'; target: number }
  | { kind: 'amend'; target: number; price: number | null; quantity: number | null }
  | { kind: 'settle'; events: number }
  | { kind: 'close' };

const price = fc.integer({ min: 3790, max: 3810 });
const oneIn = (n: number) => fc.nat({ max: n - 1 }).map((roll) => roll === 0);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('place' as const),
      trader: fc.nat({ max: TRADERS.length - 1 }),
      side: fc.constantFrom<Side>('buy', 'sell'),
      /** One in five: a market order; one in five of the rest: IOC, or else a day order one in four. */
      market: oneIn(5),
      ioc: oneIn(5),
      day: oneIn(4),
      stop: fc.tuple(oneIn(6), price).map(([stopped, stopPrice]) => (stopped ? stopPrice : null)),
      price,
      quantity: fc.integer({ min: 1, max: 120 }),
      protection: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), target: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('amend' as const),
      target: fc.nat(),
      price: fc.option(price, { nil: null }),
      quantity: fc.option(fc.integer({ min: 1, max: 160 }), { nil: null }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('settle' as const), events: fc.integer({ min: 1, max: 30 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'close' as const }) },
);

/** An order as its row stands: what the API recorded and ingestion has applied so far. */
interface Row extends Omit<HeldOrder, 'remaining'> {
  quantity: number;
  filled: number;
  status: OrderStatus;
}

class Exchange {
  readonly balances = new Map<string, Balance>();
  /** Every order's row, by order id, in the order they were placed. */
  readonly rows = new Map<string, Row>();
  readonly trades: Extract<EngineEvent, { type: 'trade' }>[] = [];
  private readonly book = new ContractBook(PETR4);
  private readonly unsettled: EngineEvent[] = [];
  private commands = 0;

  constructor() {
    for (const trader of TRADERS) {
      this.balances.set(balanceKey(trader, CASH), { available: START_CASH, held: 0n, costBasis: 0n });
      this.balances.set(balanceKey(trader, 'PETR4'), { available: START_SHARES, held: 0n, costBasis: 0n });
    }
    this.balances.set(balanceKey(EXCHANGE_ACCOUNT_ID, CASH), { available: 0n, held: 0n, costBasis: 0n });
  }

  run(step: Step): void {
    if (step.kind === 'place') this.place(step);
    else if (step.kind === 'settle') this.settle(step.events);
    else if (step.kind === 'close') this.send({ ...this.envelope(), type: 'end_of_day' });
    else {
      const live = [...this.rows.values()].filter((row) => OPEN_STATUSES.includes(row.status));
      const row = live[step.target % Math.max(1, live.length)];
      if (row === undefined) return;
      if (step.kind === 'cancel') this.send({ ...this.orderEnvelope(row), type: 'cancel_order' });
      else this.amend(row, step);
    }
  }

  /** Settles what is left, as ingestion catches up. */
  settleAll(): void {
    while (this.unsettled.length > 0) this.settle(this.unsettled.length);
  }

  private place(step: Extract<Step, { kind: 'place' }>): void {
    const orderId = `e0000000-0000-4000-8000-${String(this.rows.size + 1).padStart(12, '0')}`;
    const accountId = TRADERS[step.trader]!;
    const stopped = step.stop !== null;
    const orderType: OrderType = step.market ? (stopped ? 'stop_market' : 'market') : stopped ? 'stop_limit' : 'limit';
    const protectionPrice = step.market && step.protection ? step.price : null;
    const order = { side: step.side, orderType, price: step.market ? null : step.price, quantity: step.quantity };
    const hold = planHold(order, PETR4, HOLD_FEE_BPS, protectionPrice);
    if (typeof hold === 'string') return;
    if (!this.take(accountId, hold.asset, hold.amount)) return;
    const row: Row = {
      orderId,
      accountId,
      symbol: 'PETR4',
      side: step.side,
      holdAsset: hold.asset,
      holdAmount: hold.amount,
      holdPrice: hold.price,
      holdFeeBps: hold.feeBps,
      orderType,
      quantity: step.quantity,
      filled: 0,
      price: order.price === null ? null : BigInt(order.price),
      protectionPrice: protectionPrice === null ? null : BigInt(protectionPrice),
      amendsSent: 0,
      amendsAnswered: 0,
      status: 'pending',
    };
    this.rows.set(orderId, row);
    this.send({
      ...this.orderEnvelope(row),
      type: 'place_order',
      side: step.side,
      orderType,
      // Stop orders rest until they fire, so they are GTC or DAY as limit orders are.
      timeInForce: !stopped && (step.market || step.ioc) ? 'IOC' : step.day ? 'DAY' : 'GTC',
      price: order.price,
      stopPrice: step.stop,
      trailingOffset: null,
      ...(protectionPrice === null ? {} : { protectionPrice }),
      quantity: step.quantity,
      postOnly: false,
      selfTradePrevention: 'cancel_newest',
    });
  }

  /** As the API records an amend: the hold grows to cover both the order as it may still fill and as amended. */
  private amend(row: Row, step: Extract<Step, { kind: 'amend' }>): void {
    if (row.orderType !== 'limit' && row.orderType !== 'stop_limit') return;
    const newPrice = step.price === Number(row.price) ? null : step.price;
    const newQuantity =
      step.quantity === row.quantity || (step.quantity ?? Infinity) <= row.filled ? null : step.quantity;
    if (newPrice === null && newQuantity === null) return;
    const change = { price: newPrice, quantity: newQuantity };
    const current = { side: row.side, amount: row.holdAmount, price: row.holdPrice, feeBps: row.holdFeeBps };
    const hold = holdAfterAmend(current, BigInt(row.filled), change);
    const extra = hold.amount - row.holdAmount;
    if (!this.take(row.accountId, row.holdAsset, extra)) return;
    row.holdAmount = hold.amount;
    row.holdPrice = hold.price;
    row.amendsSent += 1;
    this.send({ ...this.orderEnvelope(row), type: 'amend_order', ...change, amendNumber: row.amendsSent });
  }

  /** Moves `amount` from available to held, as the API holds for an order; false, moving nothing, when not covered. */
  private take(accountId: string, asset: string, amount: bigint): boolean {
    const balance = this.balances.get(balanceKey(accountId, asset))!;
    if (balance.available < amount) return false;
    balance.available -= amount;
    balance.held += amount;
    return true;
  }

  private envelope() {
    this.commands += 1;
    return {
      schemaVersion: 1 as const,
      commandId: `c0000000-0000-4000-8000-${String(this.commands).padStart(12, '0')}`,
      symbol: 'PETR4',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      timestamp: 1_763_700_000_000 + this.commands,
    };
  }

  private orderEnvelope(row: Row) {
    return { ...this.envelope(), orderId: row.orderId, accountId: row.accountId, clientOrderId: null };
  }

  private send(command: OrderCommand): void {
    this.unsettled.push(...this.book.apply(command));
  }

  /** One ingestion batch: the orders it names read from their rows, settled, and the rows brought up to date. */
  private settle(count: number): void {
    const batch = this.unsettled.splice(0, count);
    const orders = new Map<string, HeldOrder>();
    for (const id of ordersInvolved(batch)) {
      const { quantity, filled, status: _status, ...held } = this.rows.get(id)!;
      orders.set(id, { ...held, remaining: BigInt(quantity - filled) });
    }
    const outcome = settle(batch, orders, this.balances, RATES);
    expect(outcome.unsettled).toEqual([]);
    // No fill took from what its account had free: the orders' holds covered every one.
    expect(outcome.ledger.filter((entry) => entry.reason === 'hold' && entry.tradeId !== null)).toEqual([]);
    for (const [id, order] of orders) {
      const row = this.rows.get(id)!;
      row.holdAmount = order.holdAmount;
      row.holdPrice = order.holdPrice;
      row.amendsAnswered = order.amendsAnswered;
    }
    for (const event of batch) this.apply(event);
  }

  /** What ingestion writes to an order's row for each event. */
  private apply(event: EngineEvent): void {
    if (event.type === 'trade') {
      this.trades.push(event);
      return;
    }
    const row = 'orderId' in event ? this.rows.get(event.orderId) : undefined;
    if (row === undefined) return;
    switch (event.type) {
      case 'order_accepted':
        if (row.status === 'pending') row.status = 'open';
        break;
      case 'order_rejected':
        if (event.commandType === 'place_order' && row.status === 'pending') row.status = 'rejected';
        break;
      case 'order_updated':
        row.filled = event.filledQuantity;
        row.quantity = event.quantity;
        row.price = event.price === null ? null : BigInt(event.price);
        if (event.filledQuantity > 0) row.status = 'partially_filled';
        break;
      case 'order_filled':
        row.status = 'filled';
        row.filled = event.filledQuantity;
        break;
      case 'order_cancelled':
      case 'order_expired':
        row.status = event.type === 'order_cancelled' ? 'cancelled' : 'expired';
        row.filled = event.filledQuantity;
        break;
      default:
        break;
    }
  }
}

/** The reconciliation's rules that hold at every commit. */
function expectBooksKept(exchange: Exchange): void {
  for (const asset of [CASH, 'PETR4']) {
    let total = 0n;
    for (const [key, balance] of exchange.balances) {
      if (!key.endsWith(`|${asset}`)) continue;
      expect(balance.available >= 0n && balance.held >= 0n, `${key} is negative`).toBe(true);
      total += balance.available + balance.held;
    }
    // Every asset is conserved: fees only move cash to the exchange.
    expect(total).toBe(BigInt(TRADERS.length) * (asset === CASH ? START_CASH : START_SHARES));
  }
  for (const trader of TRADERS) {
    for (const asset of [CASH, 'PETR4']) {
      const orders = [...exchange.rows.values()].filter((row) => row.accountId === trader && row.holdAsset === asset);
      const holding = orders.reduce((sum, row) => sum + row.holdAmount, 0n);
      expect(exchange.balances.get(balanceKey(trader, asset))!.held).toBe(holding);
    }
  }
  for (const row of exchange.rows.values()) {
    if (!OPEN_STATUSES.includes(row.status)) expect(row.holdAmount, `${row.orderId} is ${row.status}`).toBe(0n);
  }
}

/**
 * Each trader's cash and shares as their trades leave them, each fee at the rate of the trader's role in it, and what
 * their shares cost by the average-cost method (a buy adds what it paid, fee included; a sale takes its shares' part).
 */
function expectTradesPaidFor(exchange: Exchange): void {
  const cash = new Map<string, bigint>([[EXCHANGE_ACCOUNT_ID, 0n]]);
  const shares = new Map<string, bigint>();
  const cost = new Map<string, bigint>();
  for (const trader of TRADERS) {
    cash.set(trader, START_CASH);
    shares.set(trader, START_SHARES);
    cost.set(trader, 0n);
  }
  for (const trade of exchange.trades) {
    const notional = BigInt(trade.price) * BigInt(trade.quantity);
    const buyerIsTaker = trade.aggressorSide === 'buy';
    const buyer = buyerIsTaker ? trade.takerAccountId : trade.makerAccountId;
    const seller = buyerIsTaker ? trade.makerAccountId : trade.takerAccountId;
    const buyerFee = feeOn(notional, buyerIsTaker ? RATES.takerBps : RATES.makerBps);
    const sellerFee = feeOn(notional, buyerIsTaker ? RATES.makerBps : RATES.takerBps);
    cash.set(buyer, cash.get(buyer)! - notional - buyerFee);
    cash.set(seller, cash.get(seller)! + notional - sellerFee);
    cash.set(EXCHANGE_ACCOUNT_ID, cash.get(EXCHANGE_ACCOUNT_ID)! + buyerFee + sellerFee);
    cost.set(buyer, cost.get(buyer)! + notional + buyerFee);
    cost.set(seller, cost.get(seller)! - (cost.get(seller)! * BigInt(trade.quantity)) / shares.get(seller)!);
    shares.set(buyer, shares.get(buyer)! + BigInt(trade.quantity));
    shares.set(seller, shares.get(seller)! - BigInt(trade.quantity));
  }
  const total = (accountId: string, asset: string) => {
    const balance = exchange.balances.get(balanceKey(accountId, asset))!;
    return balance.available + balance.held;
  };
  for (const [accountId, expected] of cash) expect(total(accountId, CASH), `${accountId}'s cash`).toBe(expected);
  for (const [accountId, expected] of shares) expect(total(accountId, 'PETR4'), `${accountId}'s shares`).toBe(expected);
  for (const [accountId, expected] of cost) {
    expect(exchange.balances.get(balanceKey(accountId, 'PETR4'))!.costBasis, `${accountId}'s cost`).toBe(expected);
  }
}

describe('settlement of a real book’s events with the API’s holds', () => {
  it('keeps the books after every batch, and leaves each trader what their trades say, to the cent', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 150, size: 'large' }), (steps) => {
        const exchange = new Exchange();
        for (const each of steps) {
          exchange.run(each);
          if (each.kind === 'settle') expectBooksKept(exchange);
        }
        exchange.settleAll();
        expectBooksKept(exchange);
        expectTradesPaidFor(exchange);
        // Nothing is on its way any more: every live order holds just what its remaining shares need.
        for (const row of [...exchange.rows.values()].filter((each) => OPEN_STATUSES.includes(each.status))) {
          expect(row.amendsAnswered).toBe(row.amendsSent);
          if (row.side === 'sell') expect(row.holdAmount).toBe(BigInt(row.quantity - row.filled));
        }
      }),
      { numRuns: 300 },
    );
  });
});
