import type { EngineEvent } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { cashHoldFor } from '@bolsa/contracts';
import { CASH, EXCHANGE_ACCOUNT_ID } from './ledger.js';
import { holdAfterAmend } from './holds.js';
import { balanceKey, bigMin, settle, type Balance, type HeldOrder } from './settlement.js';

const BUYER = '10000000-0000-4000-8000-000000000001';
const SELLER = '20000000-0000-4000-8000-000000000002';
const BUY = 'b0000000-0000-4000-8000-00000000000b';
const SELL = '50000000-0000-4000-8000-000000000005';
const rates = { makerBps: 2, takerBps: 3 };
const base = { schemaVersion: 1 as const, symbol: 'PETR4', traceId: 't', timestamp: 0 };

function trade(sequence: number, price: number, quantity: number): EngineEvent {
  return {
    ...base,
    sequence,
    type: 'trade',
    tradeId: `PETR4-${sequence}`,
    price,
    quantity,
    aggressorSide: 'buy',
    makerOrderId: SELL,
    takerOrderId: BUY,
    makerAccountId: SELLER,
    takerAccountId: BUYER,
  } as EngineEvent;
}

function amended(
  sequence: number,
  orderId: string,
  terms: { quantity: number; price: number },
  change: 'amended' | 'decremented' = 'amended',
): EngineEvent {
  return {
    ...base,
    sequence,
    type: 'order_updated',
    change,
    orderId,
    accountId: orderId === BUY ? BUYER : SELLER,
    filledQuantity: 0,
    price: terms.price,
    stopPrice: null,
    quantity: terms.quantity,
    remainingQuantity: terms.quantity,
  } as EngineEvent;
}

function fixture(buyQuantity: bigint, limit: bigint) {
  const orders = new Map<string, HeldOrder>([
    [
      BUY,
      {
        orderId: BUY,
        accountId: BUYER,
        symbol: 'PETR4',
        side: 'buy',
        holdAsset: CASH,
        holdAmount: cashHoldFor(buyQuantity, limit, 3),
        holdPrice: limit,
        holdFeeBps: 3,
        orderType: 'limit',
        remaining: buyQuantity,
        price: limit,
        protectionPrice: null,
        amendsSent: 0,
        amendsAnswered: 0,
      },
    ],
    [
      SELL,
      {
        orderId: SELL,
        accountId: SELLER,
        symbol: 'PETR4',
        side: 'sell',
        holdAsset: 'PETR4',
        holdAmount: 100n,
        holdPrice: null,
        holdFeeBps: 3,
        orderType: 'limit',
        remaining: 100n,
        price: 2990n,
        protectionPrice: null,
        amendsSent: 0,
        amendsAnswered: 0,
      },
    ],
  ]);
  const buyerHold = orders.get(BUY)!.holdAmount;
  const balances = new Map<string, Balance>([
    [balanceKey(BUYER, CASH), { available: 0n, held: buyerHold, costBasis: 0n }],
    [balanceKey(BUYER, 'PETR4'), { available: 0n, held: 0n, costBasis: 0n }],
    [balanceKey(SELLER, CASH), { available: 0n, held: 0n, costBasis: 0n }],
    [balanceKey(SELLER, 'PETR4'), { available: 0n, held: 100n, costBasis: 500_000n }],
    [balanceKey(EXCHANGE_ACCOUNT_ID, CASH), { available: 0n, held: 0n, costBasis: 0n }],
  ]);
  return { orders, balances };
}

const total = (balances: Map<string, Balance>, asset: string) =>
  [...balances].filter(([key]) => key.endsWith(`|${asset}`)).reduce((sum, [, b]) => sum + b.available + b.held, 0n);

describe('settle', () => {
  it('conserves cash and shares over many small fills, and the hold always covers them', () => {
    const { orders, balances } = fixture(100n, 3001n);
    const cashBefore = total(balances, CASH);
    const events = Array.from({ length: 100 }, (_, i) => trade(i + 1, 2990 + (i % 12), 1));
    const outcome = settle(events, orders, balances, rates);
    expect(total(balances, CASH)).toBe(cashBefore);
    expect(total(balances, 'PETR4')).toBe(100n);
    expect(balances.get(balanceKey(BUYER, 'PETR4'))).toMatchObject({ available: 100n, held: 0n });
    expect(balances.get(balanceKey(SELLER, 'PETR4'))).toEqual({ available: 0n, held: 0n, costBasis: 0n });
    // The buyer's shares cost what was paid for them, fees included.
    const paid = outcome.ledger
      .filter((row) => row.accountId === BUYER && row.asset === CASH && row.reason !== 'release')
      .reduce((sum, row) => sum - row.heldChange, 0n);
    expect(balances.get(balanceKey(BUYER, 'PETR4'))!.costBasis).toBe(paid);
    // What the buy still holds is exactly what its balance still holds, ready to be released.
    expect(balances.get(balanceKey(BUYER, CASH))!.held).toBe(orders.get(BUY)!.holdAmount);
    expect(outcome.tradeCosts.size).toBe(100);
  });

  it('takes sold shares out of the position at their average cost', () => {
    const { orders, balances } = fixture(30n, 3000n);
    settle([trade(1, 3000, 30)], orders, balances, rates);
    // 100 shares cost 5,000.00; selling 30 leaves 70 at the same 50.00 each
    expect(balances.get(balanceKey(SELLER, 'PETR4'))).toEqual({ available: 0n, held: 70n, costBasis: 350_000n });
  });

  it('releases what a finished order still holds, once', () => {
    const { orders, balances } = fixture(10n, 3000n);
    const cancelled = {
      ...base,
      sequence: 2,
      type: 'order_cancelled',
      orderId: BUY,
      accountId: BUYER,
      clientOrderId: null,
      reason: 'requested',
      filledQuantity: 0,
      quantity: 10,
    } as unknown as EngineEvent;
    const outcome = settle([cancelled, { ...cancelled, sequence: 3 }], orders, balances, rates);
    expect(balances.get(balanceKey(BUYER, CASH))).toMatchObject({ available: cashHoldFor(10n, 3000n, 3), held: 0n });
    expect(outcome.ledger.map((row) => row.reason)).toEqual(['release']);
  });

  it("takes what an order lacks from its account's free balance, and leaves the trade unsettled when that is short too", () => {
    const { orders, balances } = fixture(1n, 3000n);
    // The buy holds one share's worth; its account has 100.00 free, enough for a second share but not a third.
    balances.get(balanceKey(BUYER, CASH))!.available = 10_000n;
    const outcome = settle([trade(1, 3000, 2)], orders, balances, rates);
    expect(outcome.unsettled).toEqual([]);
    expect(outcome.ledger.filter((row) => row.reason === 'hold')).toHaveLength(1);
    expect(balances.get(balanceKey(BUYER, 'PETR4'))!.available).toBe(2n);

    const short = fixture(1n, 3000n);
    const before = structuredClone([...short.balances]);
    const unsettled = settle([trade(1, 3000, 5)], short.orders, short.balances, rates);
    expect(unsettled.unsettled).toEqual(['PETR4-1']);
    expect(unsettled.ledger).toEqual([]);
    expect([...short.balances]).toEqual(before);
  });

  it('settles fills of an order at its old price out of a hold an amend made for fewer shares at a higher one', () => {
    // 100 at 10.00 amended to 50 at 25.00 holds 50 × 25.00; the old order's 100 fill at 10.00 before the amend lands.
    const { orders, balances } = fixture(50n, 2500n);
    const held = orders.get(BUY)!.holdAmount;
    const outcome = settle([trade(1, 1000, 100)], orders, balances, rates);
    expect(outcome.unsettled).toEqual([]);
    // 1,000.00 and a 3 bps taker fee of 0.30 paid; the rest of the hold comes back.
    expect(balances.get(balanceKey(BUYER, CASH))).toMatchObject({ available: held - 100_030n, held: 0n });
    expect(balances.get(balanceKey(BUYER, 'PETR4'))).toMatchObject({ available: 100n, costBasis: 100_030n });
    expect(outcome.ledger.filter((row) => row.accountId === BUYER).map((row) => row.reason)).toEqual([
      'trade',
      'fee',
      'release',
      'trade',
    ]);
  });

  it('gives back what an amend cut once the engine has it and no other amend is on its way', () => {
    const { orders, balances } = fixture(100n, 3000n);
    const buy = orders.get(BUY)!;
    buy.amendsSent = 2;
    const first = settle([amended(2, BUY, { quantity: 60, price: 3000 })], orders, balances, rates);
    // A second amend is still on its way (it may ask for more again): nothing comes back yet.
    expect(first.ledger).toEqual([]);
    expect(buy).toMatchObject({ amendsAnswered: 1, holdAmount: cashHoldFor(100n, 3000n, 3), remaining: 60n });
    expect(first.changedOrders).toEqual(new Set([BUY]));

    const second = settle([amended(3, BUY, { quantity: 40, price: 3000 })], orders, balances, rates);
    const released = cashHoldFor(100n, 3000n, 3) - cashHoldFor(40n, 3000n, 3);
    expect(second.ledger.map((row) => [row.reason, row.availableChange])).toEqual([['release', released]]);
    expect(buy).toMatchObject({ amendsAnswered: 2, holdAmount: cashHoldFor(40n, 3000n, 3) });
    expect(balances.get(balanceKey(BUYER, CASH))).toMatchObject({ available: released, held: buy.holdAmount });
  });

  it("lowers a buy's hold price with its limit, so later fills take their shares' hold at the new price", () => {
    const { orders, balances } = fixture(100n, 3000n);
    orders.get(BUY)!.amendsSent = 1;
    settle([amended(2, BUY, { quantity: 100, price: 2000 }), trade(3, 2000, 100)], orders, balances, rates);
    // 2,000.00 and a 0.60 fee paid; nothing left held, nothing lost.
    expect(balances.get(balanceKey(BUYER, CASH))).toEqual({
      available: cashHoldFor(100n, 3000n, 3) - 200_060n,
      held: 0n,
      costBasis: 0n,
    });
    expect(orders.get(BUY)).toMatchObject({ holdAmount: 0n, holdPrice: 2000n });
  });

  it('gives back what an amend the engine refused had held', () => {
    // 100 at 30.00 holding for 50.00, since an amend to 50.00 is on its way; the engine refuses it.
    const { orders, balances } = fixture(100n, 5000n);
    Object.assign(orders.get(BUY)!, { amendsSent: 1, price: 3000n });
    const refused = {
      ...base,
      sequence: 2,
      type: 'order_rejected',
      orderId: BUY,
      accountId: BUYER,
      clientOrderId: null,
      commandType: 'amend_order',
      reason: 'trading_halted',
      message: 'halted',
    } as unknown as EngineEvent;
    const outcome = settle([refused], orders, balances, rates);
    expect(outcome.ledger.map((row) => row.availableChange)).toEqual([
      cashHoldFor(100n, 5000n, 3) - cashHoldFor(100n, 3000n, 3),
    ]);
    expect(orders.get(BUY)).toMatchObject({ amendsAnswered: 1, holdPrice: 3000n });
  });

  it('counts a numbered answer as answering every amend up to it: a later amend overtook the earlier ones', () => {
    // Amends 1 to 3 on their way, each holding more; 1 was lost, 2 and 3 reached the engine.
    const { orders, balances } = fixture(100n, 3000n);
    const buy = orders.get(BUY)!;
    Object.assign(buy, { amendsSent: 3, amendsAnswered: 0 });
    const answer = (sequence: number, amendNumber: number) => ({
      ...amended(sequence, BUY, { quantity: 50, price: 3000 }),
      amendNumber,
    });
    settle([answer(2, 2)], orders, balances, rates);
    expect(buy).toMatchObject({ amendsAnswered: 2, holdAmount: cashHoldFor(100n, 3000n, 3) });
    const last = settle([answer(3, 3)], orders, balances, rates);
    expect(buy).toMatchObject({ amendsAnswered: 3, holdAmount: cashHoldFor(50n, 3000n, 3) });
    expect(last.ledger.map((row) => row.reason)).toEqual(['release']);
    // An answer numbered below what was answered (none comes from the engine, which takes numbers in order) keeps it.
    settle([answer(4, 1)], orders, balances, rates);
    expect(buy.amendsAnswered).toBe(3);
  });

  it('gives back the shares self-trade prevention took off a sell', () => {
    const { orders, balances } = fixture(10n, 3000n);
    settle([amended(2, SELL, { quantity: 60, price: 2990 }, 'decremented')], orders, balances, rates);
    expect(balances.get(balanceKey(SELLER, 'PETR4'))).toMatchObject({ available: 40n, held: 60n });
    expect(orders.get(SELL)!.holdAmount).toBe(60n);
  });

  it('records but does not settle a trade whose orders it does not know', () => {
    const { balances } = fixture(1n, 3000n);
    const outcome = settle([trade(1, 3000, 1)], new Map(), balances, rates);
    expect(outcome.unsettled).toEqual(['PETR4-1']);
    expect(outcome.ledger).toEqual([]);
  });
});

describe('an order amended while it fills, its events settled late (randomized)', () => {
  it.each(['buy', 'sell'] as const)(
    'covers every fill of a %s from its hold, and holds just what it needs once no amend is on its way',
    (side) => {
      const [subjectId, otherId] = side === 'buy' ? [BUY, SELL] : [SELL, BUY];
      const [account, asset] = side === 'buy' ? [BUYER, CASH] : [SELLER, 'PETR4'];
      const quiet = { ...base, commandId: BUY, accountId: account, orderId: subjectId, clientOrderId: null };
      let seed = 20261203;
      const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
      const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
      for (let round = 0; round < 200; round++) {
        const [quantity, price] = [BigInt(between(1, 60)), BigInt(between(900, 1100))];
        const { orders, balances } = fixture(quantity, price);
        const order = orders.get(subjectId)!;
        const other = orders.get(otherId)!;
        if (side === 'sell') {
          Object.assign(order, { holdAmount: quantity, remaining: quantity, price });
          balances.get(balanceKey(SELLER, 'PETR4'))!.held = quantity;
          // The buyer on the other side holds enough for any fill at up to 2,000.00.
          Object.assign(other, { holdAmount: cashHoldFor(1_000_000n, 200_000n, 3), holdPrice: 200_000n });
          balances.get(balanceKey(BUYER, CASH))!.held = other.holdAmount;
        } else {
          other.holdAmount = 1_000_000n;
          balances.get(balanceKey(SELLER, 'PETR4'))!.held = 1_000_000n;
        }
        balances.get(balanceKey(account, asset))!.available = 10n ** 12n;
        const [cashBefore, sharesBefore] = [total(balances, CASH), total(balances, 'PETR4')];
        // The engine's order, the amends on their way to it, and its events on their way back.
        const engine = { quantity: Number(quantity), filled: 0, price: Number(price), live: true };
        // Amends numbered as the API numbers them; a withdrawal names the number it withdraws.
        type Sent = { price: number | null; quantity: number | null; number: number; withdraw?: true };
        const inFlight: Sent[] = [];
        let engineSeen = 0;
        const outbox: EngineEvent[] = [];
        let sequence = 1;
        let storedFilled = 0n;
        // Whether the store still has the order live: the re-sender only withdraws amends of live orders.
        let storedLive = true;

        const next = (event: Record<string, unknown>) => ({ ...quiet, sequence: sequence++, ...event }) as EngineEvent;
        const updated = (change: 'amended' | 'partially_filled', amendNumber?: number) =>
          next({
            ...(amendNumber === undefined ? {} : { amendNumber }),
            type: 'order_updated',
            change,
            filledQuantity: engine.filled,
            price: engine.price,
            stopPrice: null,
            quantity: engine.quantity,
            remainingQuantity: engine.quantity - engine.filled,
          });
        const refused = (amendNumber: number) =>
          next({
            type: 'order_rejected',
            commandType: 'amend_order',
            reason: 'invalid_order',
            message: 'no',
            amendNumber,
          });
        const ended = (type: 'order_filled' | 'order_cancelled') =>
          next({
            type,
            filledQuantity: engine.filled,
            ...(type === 'order_cancelled' ? { reason: 'requested', cancelledQuantity: 1 } : {}),
          });

        const sendAmend = () => {
          const change = {
            price: random() < 0.6 ? between(850, 1150) : null,
            quantity: random() < 0.6 ? between(1, 80) : null,
          };
          const nothing = change.price === null && change.quantity === null;
          if (nothing || BigInt(change.quantity ?? 1e9) <= storedFilled) return;
          const hold = { side, amount: order.holdAmount, price: order.holdPrice, feeBps: order.holdFeeBps };
          const after = holdAfterAmend(hold, storedFilled, change);
          const balance = balances.get(balanceKey(account, asset))!;
          balance.available -= after.amount - order.holdAmount;
          balance.held += after.amount - order.holdAmount;
          Object.assign(order, { holdAmount: after.amount, holdPrice: after.price });
          order.amendsSent += 1;
          inFlight.push({ ...change, number: order.amendsSent });
        };
        // The send failed, or the process sending died: the amend never reaches the engine.
        const amendLost = () => inFlight.splice(between(0, inFlight.length - 1), 1);
        // What the re-sender does once the last amend's answer is overdue.
        const withdrawLast = () => {
          if (storedLive && order.amendsAnswered < order.amendsSent) {
            inFlight.push({ price: null, quantity: null, number: order.amendsSent, withdraw: true });
          }
        };
        const engineTakesAmend = () => {
          const change = inFlight.shift()!;
          // A copy, or an amend overtaken by a later one: nothing happens.
          if (change.number <= engineSeen) return;
          engineSeen = change.number;
          const quantity = change.quantity ?? engine.quantity;
          const price = change.price ?? engine.price;
          const unchanged = quantity === engine.quantity && price === engine.price;
          if (change.withdraw === true || !engine.live || quantity <= engine.filled || unchanged) {
            outbox.push(refused(change.number));
            return;
          }
          Object.assign(engine, { quantity, price });
          outbox.push(updated('amended', change.number));
        };
        const engineFills = () => {
          const quantity = between(1, engine.quantity - engine.filled);
          // Never past the order's limit, as the engine has it.
          const price =
            side === 'buy' ? between(engine.price - 30, engine.price) : between(engine.price, engine.price + 30);
          const subjectTakes = random() < 0.5;
          const buyerTakes = subjectTakes === (side === 'buy');
          outbox.push(
            next({
              type: 'trade',
              tradeId: `PETR4-${sequence}`,
              price,
              quantity,
              aggressorSide: buyerTakes ? 'buy' : 'sell',
              makerOrderId: buyerTakes ? SELL : BUY,
              makerAccountId: buyerTakes ? SELLER : BUYER,
              takerOrderId: buyerTakes ? BUY : SELL,
              takerAccountId: buyerTakes ? BUYER : SELLER,
            }),
          );
          engine.filled += quantity;
          if (engine.filled < engine.quantity) outbox.push(updated('partially_filled'));
          else {
            outbox.push(ended('order_filled'));
            engine.live = false;
          }
        };
        const settleSome = (count: number) => {
          const batch = outbox.splice(0, count);
          const outcome = settle(batch, orders, balances, rates);
          // No fill needed more than the order held, so none took from what its account had free.
          expect(outcome.unsettled).toEqual([]);
          expect(outcome.ledger.filter((row) => row.reason === 'hold')).toEqual([]);
          for (const event of batch) {
            if (event.type === 'trade') storedFilled += BigInt(event.quantity);
            if (event.type === 'order_filled' || event.type === 'order_cancelled') storedLive = false;
          }
          const last = batch.at(-1);
          const answered =
            last?.type === 'order_rejected' || (last?.type === 'order_updated' && last.change === 'amended');
          if (!answered || order.amendsAnswered < order.amendsSent || order.holdAmount === 0n) return;
          if (side === 'sell') expect(order.holdAmount).toBe(order.remaining);
          else {
            expect(order.holdAmount).toBe(cashHoldFor(order.remaining, order.holdPrice!, order.holdFeeBps));
            expect(order.holdPrice).toBe(bigMin(order.price!, order.holdPrice!));
          }
        };

        for (let step = 0; step < 40; step++) {
          const roll = random();
          if (roll < 0.3 && engine.live) sendAmend();
          else if (roll < 0.35 && inFlight.length > 0) amendLost();
          else if (roll < 0.38) withdrawLast();
          else if (roll < 0.55 && inFlight.length > 0) engineTakesAmend();
          else if (roll < 0.75 && engine.live) engineFills();
          else if (outbox.length > 0) settleSome(between(1, outbox.length));
        }
        while (inFlight.length > 0) engineTakesAmend();
        settleSome(outbox.length);
        // Amends lost with none after them: withdrawn, and then answered like any other.
        withdrawLast();
        while (inFlight.length > 0) engineTakesAmend();
        settleSome(outbox.length);
        if (engine.live) outbox.push(ended('order_cancelled'));
        settleSome(outbox.length);
        // Withdrawn and answered while the order lived, or answered by its end: none shows as on its way.
        expect(order.amendsAnswered).toBe(order.amendsSent);

        expect(order.holdAmount).toBe(0n);
        expect(balances.get(balanceKey(account, asset))!.held).toBe(0n);
        expect([total(balances, CASH), total(balances, 'PETR4')]).toEqual([cashBefore, sharesBefore]);
      }
    },
  );
});
