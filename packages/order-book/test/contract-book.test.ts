import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineEvent, type OrderCommand, type PlaceOrderCommand } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { ContractBook } from '../src/index.js';
import { ALICE, BOB, envelope, limitOrder as place, PETR4, TRACE, uuid } from './contract-commands.js';

function applyAll(book: ContractBook, commands: OrderCommand[]) {
  return commands.flatMap((command) => book.apply(command));
}

describe('ContractBook', () => {
  it('speaks the contract: every event parses, sequences run 1, 2, 3… without gaps', () => {
    const book = new ContractBook(PETR4);
    const sell = place(ALICE, 'sell', 3512, 100);
    const buy = place(BOB, 'buy', 3512, 40);
    const events = applyAll(book, [sell, buy]);
    for (const event of events) expect(EngineEvent.parse(event)).toEqual(event);
    expect(events.map((event) => event.sequence)).toEqual(events.map((_, i) => i + 1));
    const trade = events.find((event) => event.type === 'trade');
    expect(trade).toMatchObject({
      tradeId: 'PETR4-1',
      price: 3512,
      quantity: 40,
      aggressorSide: 'buy',
      makerOrderId: sell.orderId,
      makerAccountId: ALICE,
      takerOrderId: buy.orderId,
      takerAccountId: BOB,
      commandId: buy.commandId,
      traceId: TRACE,
    });
    expect(events.map((event) => event.type)).toEqual([
      'order_accepted',
      'level_changed',
      'order_accepted',
      'trade',
      'order_updated',
      'level_changed',
      'order_filled',
    ]);
  });

  it('rejects unknown orders, other accounts and bad ticks with reasons, and ignores a placement sent again', () => {
    const book = new ContractBook({ ...PETR4, tickSize: 5 });
    const order = place(ALICE, 'buy', 3510, 10);
    book.apply(order);
    const cancel = (accountId: string, orderId: string) => ({
      ...envelope(),
      type: 'cancel_order' as const,
      accountId,
      clientOrderId: 'c-1',
      orderId,
    });
    expect(book.apply({ ...order, commandId: uuid() })).toEqual([]);
    const [offTick] = book.apply(place(ALICE, 'buy', 3512, 10));
    const [stranger] = book.apply(cancel(BOB, order.orderId));
    const [unknown] = book.apply(cancel(ALICE, uuid()));
    const [badAmend] = book.apply({
      ...cancel(ALICE, order.orderId),
      type: 'amend_order',
      price: 3511,
      quantity: null,
    });
    expect(
      [offTick, stranger, unknown, badAmend].map((event) => event?.type === 'order_rejected' && event.reason),
    ).toEqual(['off_tick', 'not_order_owner', 'unknown_order', 'off_tick']);
    expect(stranger).toMatchObject({ commandType: 'cancel_order', clientOrderId: 'c-1', orderId: order.orderId });
    expect(book.apply(cancel(ALICE, order.orderId))[0]).toMatchObject({ type: 'order_cancelled', reason: 'requested' });
    expect(book.validateInternalState()).toEqual([]);
  });

  it("refuses more shares than the instrument's most per order, placed or amended to, saying why", () => {
    const book = new ContractBook(PETR4);
    const [refused] = book.apply(place(ALICE, 'buy', 3512, 100_001));
    expect(EngineEvent.parse(refused)).toMatchObject({
      type: 'order_rejected',
      reason: 'quantity_over_limit',
      message: 'quantity is above the most one order may ask for in this instrument',
    });
    const taken = place(ALICE, 'buy', 3512, 100_000);
    expect(book.apply(taken)[0]).toMatchObject({ type: 'order_accepted' });
    const amend = {
      ...envelope(),
      type: 'amend_order' as const,
      orderId: taken.orderId,
      accountId: ALICE,
      clientOrderId: null,
      price: null,
      quantity: 100_001,
    };
    expect(book.apply(amend)).toEqual([
      expect.objectContaining({ type: 'order_rejected', commandType: 'amend_order', reason: 'quantity_over_limit' }),
    ]);
  });

  it("cancels with the exchange's reason when the command gives one: a resting order and a waiting stop", () => {
    const book = new ContractBook(PETR4);
    const resting = place(ALICE, 'buy', 3400, 10);
    const stop = place(ALICE, 'sell', 3300, 5, { orderType: 'stop_limit', stopPrice: 3300 });
    applyAll(book, [resting, stop]);
    const suspend = (orderId: string) => ({
      ...envelope(),
      type: 'cancel_order' as const,
      accountId: ALICE,
      clientOrderId: null,
      orderId,
      reason: 'account_suspended' as const,
    });
    const events = applyAll(book, [suspend(resting.orderId), suspend(stop.orderId)]);
    expect(events.filter((event) => event.type === 'order_cancelled')).toEqual([
      expect.objectContaining({ orderId: resting.orderId, reason: 'account_suspended', cancelledQuantity: 10 }),
      expect.objectContaining({ orderId: stop.orderId, reason: 'account_suspended', cancelledQuantity: 5 }),
    ]);
    for (const event of events) expect(EngineEvent.parse(event)).toEqual(event);
    expect(book.core.liveOrders).toBe(0);
  });

  it('refuses placements and amends with trading_halted between halt_trading and resume_trading, across a snapshot', () => {
    const book = new ContractBook(PETR4);
    const resting = place(ALICE, 'sell', 3512, 100);
    book.apply(resting);
    expect(book.apply({ ...envelope(), type: 'halt_trading' })).toEqual([]);
    const restored = new ContractBook(PETR4, JSON.parse(JSON.stringify(book.snapshot())));
    expect(restored.stateHash()).toBe(book.stateHash());
    const late = place(BOB, 'buy', 3512, 40, { clientOrderId: 'late' });
    const [rejected, ...rest] = restored.apply(late);
    expect(rest).toEqual([]);
    expect(EngineEvent.parse(rejected)).toMatchObject({
      type: 'order_rejected',
      orderId: late.orderId,
      clientOrderId: 'late',
      commandType: 'place_order',
      reason: 'trading_halted',
      message: 'trading in this instrument is halted; cancels are still taken',
    });
    const amend = { ...envelope(), type: 'amend_order' as const, orderId: resting.orderId, accountId: ALICE };
    expect(restored.apply({ ...amend, clientOrderId: null, price: 3511, quantity: null })).toMatchObject([
      { type: 'order_rejected', commandType: 'amend_order', reason: 'trading_halted' },
    ]);
    // The rejected placement is final: the same order sent again after the resumption is not placed.
    restored.apply({ ...envelope(), type: 'resume_trading' });
    expect(restored.apply(late)).toEqual([]);
    const traded = restored.apply(place(BOB, 'buy', 3512, 40));
    expect(traded.map((event) => event.type)).toContain('trade');
    expect(restored.validateInternalState()).toEqual([]);
  });

  it('expires at a late close only the DAY orders recorded before its closing instant, across a snapshot', () => {
    const book = new ContractBook(PETR4);
    const early = place(ALICE, 'buy', 3500, 10, { timeInForce: 'DAY', timestamp: 1_000 });
    const late = place(BOB, 'buy', 3499, 10, { timeInForce: 'DAY', timestamp: 3_000 });
    applyAll(book, [early, late]);
    const restored = new ContractBook(PETR4, JSON.parse(JSON.stringify(book.snapshot())));
    expect(restored.stateHash()).toBe(book.stateHash());
    // The same orders recorded at other times are another state: a close would treat them otherwise.
    const other = new ContractBook(PETR4);
    applyAll(other, [{ ...early, timestamp: 3_000 }, late]);
    expect(other.core.stateHash()).toBe(book.core.stateHash());
    expect(other.stateHash()).not.toBe(book.stateHash());
    const close = (closedAt?: number) => ({
      ...envelope(),
      type: 'end_of_day' as const,
      ...(closedAt === undefined ? {} : { closedAt }),
    });
    const expired = (events: ReturnType<ContractBook['apply']>) =>
      events.flatMap((event) => (event.type === 'order_expired' ? [event.orderId] : []));
    expect(expired(restored.apply(close(2_000)))).toEqual([early.orderId]);
    expect(expired(restored.apply(close()))).toEqual([late.orderId]);
  });

  it('expires a DAY placement recorded before a close that it reaches the book after, across a snapshot', () => {
    const book = new ContractBook(PETR4);
    book.apply({ ...envelope(), timestamp: 9_000, type: 'end_of_day', closedAt: 5_000 });
    const restored = new ContractBook(PETR4, JSON.parse(JSON.stringify(book.snapshot())));
    expect(restored.stateHash()).toBe(book.stateHash());
    expect(restored.snapshot().closedUntil).toBe(5_000);
    const stranded = place(ALICE, 'sell', 3500, 10, { timeInForce: 'DAY', timestamp: 4_000 });
    const events = restored.apply(stranded);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'order_expired',
        orderId: stranded.orderId,
        accountId: ALICE,
        filledQuantity: 0,
        expiredQuantity: 10,
        sequence: restored.lastSequence,
      }),
    ]);
    expect(EngineEvent.parse(events[0])).toEqual(events[0]);
    expect(restored.apply({ ...stranded, commandId: uuid() })).toEqual([]);
    // A GTC order of that day, and a DAY order of the next one, are placed.
    const gtc = place(ALICE, 'sell', 3500, 10, { timestamp: 4_000 });
    const nextDay = place(ALICE, 'sell', 3501, 10, { timeInForce: 'DAY', timestamp: 5_001 });
    expect(applyAll(restored, [gtc, nextDay]).map((event) => event.type)).toEqual([
      'order_accepted',
      'level_changed',
      'order_accepted',
      'level_changed',
    ]);
    // A close without an instant (an administrator's, now) moves the line to when it was sent.
    restored.apply({ ...envelope(), timestamp: 20_000, type: 'end_of_day' });
    expect(restored.snapshot().closedUntil).toBe(20_000);
    expect(restored.validateInternalState()).toEqual([]);
  });

  it('expires GTD orders at the close of their day, resting or waiting for a stop, across a snapshot', () => {
    const book = new ContractBook(PETR4);
    const gtd = (price: number, expiresOn: string, extra: Partial<PlaceOrderCommand> = {}) =>
      place(ALICE, 'sell', price, 10, { timeInForce: 'GTD', expiresOn, ...extra });
    const friday = gtd(3600, '2026-12-11');
    const monday = gtd(3601, '2026-12-14');
    const stop = place(BOB, 'buy', 3700, 5, {
      orderType: 'stop_limit',
      stopPrice: 3650,
      timeInForce: 'GTD',
      expiresOn: '2026-12-11',
    });
    const day = place(ALICE, 'sell', 3602, 10, { timeInForce: 'DAY' });
    applyAll(book, [friday, monday, stop, day]);
    const close = (tradingDay: string) => ({ ...envelope(), type: 'end_of_day' as const, tradingDay });
    const expired = (events: ReturnType<ContractBook['apply']>) =>
      events.flatMap((event) => (event.type === 'order_expired' ? [event.orderId] : []));
    // Thursday's close: the DAY order only.
    expect(expired(book.apply(close('2026-12-10')))).toEqual([day.orderId]);
    const restored = new ContractBook(PETR4, JSON.parse(JSON.stringify(book.snapshot())));
    expect(restored.stateHash()).toBe(book.stateHash());
    // Friday's: both good till Friday, in the order they were placed, with the level's new total; Monday's stays.
    const fridayClose = close('2026-12-11');
    const events = restored.apply(fridayClose);
    expect(events).toEqual(book.apply(fridayClose));
    expect(expired(events)).toEqual([friday.orderId, stop.orderId]);
    for (const event of events) expect(EngineEvent.parse(event)).toEqual(event);
    expect(events).toContainEqual(expect.objectContaining({ type: 'level_changed', price: 3600, quantity: 0 }));
    expect(restored.snapshot().closedDay).toBe('2026-12-11');
    expect(restored.core.isLive(restored.snapshot().orders[0]![0])).toBe(true);
    expect(restored.snapshot().orders.map((order) => order[1])).toEqual([monday.orderId]);
    // A copy of a GTD order good till Friday reaching the book after Friday closed: over at once. One good till
    // Monday is placed.
    const late = gtd(3603, '2026-12-11');
    expect(restored.apply(late)).toEqual([expect.objectContaining({ type: 'order_expired', orderId: late.orderId })]);
    expect(restored.apply(gtd(3604, '2026-12-14')).map((event) => event.type)).toEqual([
      'order_accepted',
      'level_changed',
    ]);
    // A close naming no day (an older sender) leaves GTD orders alone.
    expect(expired(restored.apply({ ...envelope(), type: 'end_of_day' }))).toEqual([]);
    expect(expired(restored.apply(close('2026-12-14')))).toHaveLength(2);
    expect(restored.validateInternalState()).toEqual([]);
  });

  it("moves a GTD order's last day by amend: in place, alone or with new terms, and refuses it for others", () => {
    const book = new ContractBook(PETR4);
    const first = place(ALICE, 'sell', 3600, 10, { timeInForce: 'GTD', expiresOn: '2026-12-11' });
    const second = place(BOB, 'sell', 3600, 10, { timeInForce: 'GTD', expiresOn: '2026-12-11' });
    const gtc = place(BOB, 'sell', 3700, 10);
    applyAll(book, [first, second, gtc]);
    const amend = (orderId: string, accountId: string, terms: { expiresOn?: string; quantity?: number | null }) => ({
      ...envelope(),
      type: 'amend_order' as const,
      orderId,
      accountId,
      clientOrderId: null,
      price: null,
      quantity: null,
      ...terms,
    });
    // Alone: one update, the order's terms as they were and its new day, its place kept (it trades first).
    const moved = book.apply(amend(first.orderId, ALICE, { expiresOn: '2026-12-18' }));
    expect(moved).toEqual([
      expect.objectContaining({
        type: 'order_updated',
        change: 'amended',
        orderId: first.orderId,
        price: 3600,
        quantity: 10,
        remainingQuantity: 10,
        expiresOn: '2026-12-18',
      }),
    ]);
    for (const event of moved) expect(EngineEvent.parse(event)).toEqual(event);
    // With a smaller quantity, the day moves with it; a refused amend moves nothing.
    expect(book.apply(amend(second.orderId, BOB, { expiresOn: '2026-12-14', quantity: 8 }))).toContainEqual(
      expect.objectContaining({ change: 'amended', quantity: 8, expiresOn: '2026-12-14' }),
    );
    expect(book.apply({ ...amend(second.orderId, BOB, { expiresOn: '2026-12-18' }), price: 200_000 })).toMatchObject([
      { type: 'order_rejected', reason: 'price_out_of_band' },
    ]);
    // A GTC order has no last day to move.
    expect(book.apply(amend(gtc.orderId, BOB, { expiresOn: '2026-12-18' }))).toMatchObject([
      { type: 'order_rejected', commandType: 'amend_order', reason: 'not_amendable' },
    ]);
    // After a close that ended trading, an amend recorded before it is refused, but not a move of the last day alone
    // (it cannot trade).
    book.apply({ ...envelope(), type: 'end_of_day', endsTrading: true });
    expect(book.apply({ ...amend(second.orderId, BOB, { expiresOn: '2026-12-15' }), price: 3590 })).toMatchObject([
      { type: 'order_rejected', reason: 'market_closed' },
    ]);
    expect(book.apply(amend(second.orderId, BOB, { expiresOn: '2026-12-15' }))).toMatchObject([
      { type: 'order_updated', change: 'amended', price: 3600, expiresOn: '2026-12-15' },
    ]);
    const restored = new ContractBook(PETR4, JSON.parse(JSON.stringify(book.snapshot())));
    expect(restored.stateHash()).toBe(book.stateHash());
    const close = (tradingDay: string) => ({ ...envelope(), type: 'end_of_day' as const, tradingDay });
    const expired = (events: ReturnType<ContractBook['apply']>) =>
      events.flatMap((event) => (event.type === 'order_expired' ? [event.orderId] : []));
    // Friday's and Monday's closes expire neither; Tuesday's the second; a late copy moving the first to Monday is
    // refused.
    expect(expired(restored.apply(close('2026-12-11')))).toEqual([]);
    expect(expired(restored.apply(close('2026-12-14')))).toEqual([]);
    expect(expired(restored.apply(close('2026-12-15')))).toEqual([second.orderId]);
    expect(restored.apply(amend(first.orderId, ALICE, { expiresOn: '2026-12-14' }))).toMatchObject([
      { type: 'order_rejected', reason: 'not_amendable' },
    ]);
    // The first kept its place: a buy takes it, not the GTC order behind.
    const taken = restored.apply(place(BOB, 'buy', 3700, 10, { timestamp: envelope().timestamp + 1 }));
    expect(taken).toContainEqual(expect.objectContaining({ type: 'trade', makerOrderId: first.orderId }));
    expect(restored.validateInternalState()).toEqual([]);
  });

  it('refuses what was recorded before a close that ended trading and reaches the book after it, across a snapshot', () => {
    const book = new ContractBook(PETR4);
    const resting = place(ALICE, 'sell', 3500, 10, { timestamp: 1_000 });
    book.apply(resting);
    // A close that expires DAY orders only leaves placements alone: this one trades.
    book.apply({ ...envelope(), timestamp: 2_500, type: 'end_of_day', closedAt: 2_000 });
    const before = place(BOB, 'buy', 3500, 1, { timestamp: 1_500 });
    expect(book.apply(before).map((event) => event.type)).toContain('trade');
    // A close that ends trading (an exchange with hours): recorded until it and coming after it, refused.
    book.apply({ ...envelope(), timestamp: 9_000, type: 'end_of_day', closedAt: 5_000, endsTrading: true });
    const restored = new ContractBook(PETR4, JSON.parse(JSON.stringify(book.snapshot())));
    expect(restored.stateHash()).toBe(book.stateHash());
    const late = place(BOB, 'buy', 3500, 5, { timestamp: 4_000 });
    const refused = restored.apply(late);
    expect(refused).toEqual([
      expect.objectContaining({
        type: 'order_rejected',
        orderId: late.orderId,
        commandType: 'place_order',
        reason: 'market_closed',
        message: 'the exchange closed before this reached it; cancels are still taken',
      }),
    ]);
    expect(EngineEvent.parse(refused[0])).toEqual(refused[0]);
    expect(restored.apply({ ...late, commandId: uuid() })).toEqual([]);
    const amend = { ...envelope(), type: 'amend_order' as const, orderId: resting.orderId, accountId: ALICE };
    expect(
      restored.apply({ ...amend, timestamp: 4_500, clientOrderId: null, price: 3400, quantity: null }),
    ).toMatchObject([{ type: 'order_rejected', commandType: 'amend_order', reason: 'market_closed' }]);
    // Cancels go on; the next day's orders trade.
    const nextDay = place(BOB, 'buy', 3500, 2, { timestamp: 6_000 });
    expect(restored.apply(nextDay).map((event) => event.type)).toContain('trade');
    const cancel = {
      ...amend,
      type: 'cancel_order' as const,
      commandId: uuid(),
      timestamp: 7_000,
      clientOrderId: null,
    };
    expect(restored.apply(cancel)[0]).toMatchObject({ type: 'order_cancelled' });
    expect(restored.validateInternalState()).toEqual([]);
  });

  it("amends a trailing stop's distance and reports it with the order's update", () => {
    const book = new ContractBook(PETR4);
    const stop = place(ALICE, 'sell', 3400, 10, {
      orderType: 'stop_limit',
      stopPrice: 3450,
      trailingOffset: 50,
    });
    book.apply(stop);
    const amend = {
      ...envelope(),
      type: 'amend_order' as const,
      orderId: stop.orderId,
      accountId: ALICE,
      clientOrderId: null,
    };
    const [updated] = book.apply({ ...amend, price: null, quantity: null, trailingOffset: 20 });
    expect(updated).toMatchObject({
      type: 'order_updated',
      change: 'amended',
      price: 3400,
      stopPrice: 3450,
      trailingOffset: 20,
    });
    const [refused] = book.apply({ ...amend, commandId: uuid(), price: null, quantity: null, trailingOffset: 20 });
    expect(refused).toMatchObject({ type: 'order_rejected', reason: 'invalid_order' });
    const plain = place(BOB, 'buy', 3300, 1);
    book.apply(plain);
    const [notTrailing] = book.apply({
      ...amend,
      orderId: plain.orderId,
      accountId: BOB,
      price: null,
      quantity: null,
      trailingOffset: 10,
    });
    expect(notTrailing).toMatchObject({ type: 'order_rejected', reason: 'not_amendable' });
    const [moved] = book.apply({ ...amend, commandId: uuid(), price: null, quantity: 5 });
    expect(moved).toMatchObject({ type: 'order_updated', quantity: 5, trailingOffset: 20 });
  });

  it('stops a market order at its protection price and says so when accepting it', () => {
    const book = new ContractBook(PETR4);
    book.apply(place(BOB, 'sell', 3800, 5));
    book.apply(place(BOB, 'sell', 4200, 5));
    const market = place(ALICE, 'buy', 0, 8, {
      orderType: 'market',
      timeInForce: 'IOC',
      price: null,
      protectionPrice: 4180,
    });
    const events = book.apply(market);
    expect(events[0]).toMatchObject({ type: 'order_accepted', price: null, protectionPrice: 4180 });
    expect(events.filter((event) => event.type === 'trade').map((trade) => trade.price)).toEqual([3800]);
    expect(events.at(-1)).toMatchObject({ type: 'order_cancelled', reason: 'no_liquidity', cancelledQuantity: 3 });
    expect(book.validateInternalState()).toEqual([]);
  });

  it('recycles internal ids and survives a snapshot round trip mid-stream', () => {
    const commands: OrderCommand[] = [];
    for (let i = 0; i < 200; i++) {
      const side = i % 2 === 0 ? 'buy' : 'sell';
      commands.push(
        place(i % 3 === 0 ? ALICE : BOB, side, 3500 + ((i * 7) % 11) - 5, 1 + (i % 9), {
          selfTradePrevention: 'cancel_oldest',
        }),
      );
    }
    commands.push({ ...envelope(), type: 'end_of_day' });
    const straight = new ContractBook(PETR4);
    const expected = applyAll(straight, commands);

    const first = new ContractBook(PETR4);
    const before = applyAll(first, commands.slice(0, 120));
    const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
    const resumed = new ContractBook(PETR4, snapshot);
    expect(resumed.validateInternalState()).toEqual([]);
    const after = applyAll(resumed, commands.slice(120));
    expect([...before, ...after]).toEqual(expected);
    expect(resumed.stateHash()).toBe(straight.stateHash());
    expect(resumed.lastSequence).toBe(expected.length);
  });

  describe('numbered amends (the API numbers each order’s amends, and withdraws one whose answer is overdue)', () => {
    const amend = (orderId: string, amendNumber: number | undefined, terms: { price?: number; quantity?: number }) => ({
      ...envelope(),
      type: 'amend_order' as const,
      orderId,
      accountId: ALICE,
      clientOrderId: null,
      price: terms.price ?? null,
      quantity: terms.quantity ?? null,
      ...(amendNumber === undefined ? {} : { amendNumber }),
    });
    const withdraw = (orderId: string, amendNumber: number) => ({
      ...amend(orderId, amendNumber, {}),
      withdraw: true as const,
    });
    const answers = (events: EngineEvent[]) =>
      events
        .filter(
          (event) => event.type === 'order_rejected' || (event.type === 'order_updated' && event.change === 'amended'),
        )
        .map((event) => [
          event.type,
          'reason' in event ? event.reason : null,
          'amendNumber' in event ? event.amendNumber : undefined,
        ]);

    it('takes each number once, in order: a copy, or one overtaken by a later amend, changes nothing', () => {
      const book = new ContractBook(PETR4);
      const order = place(ALICE, 'buy', 3500, 10);
      book.apply(order);
      const first = amend(order.orderId, 1, { price: 3501 });
      expect(answers(book.apply(first))).toEqual([['order_updated', null, 1]]);
      expect(book.apply({ ...first, commandId: uuid() })).toEqual([]);
      expect(answers(book.apply(amend(order.orderId, 3, { price: 3503 })))).toEqual([['order_updated', null, 3]]);
      // Amend 2 arrives after 3, which the API numbered later: the later one stands.
      expect(book.apply(amend(order.orderId, 2, { price: 3502 }))).toEqual([]);
      // Unnumbered amends (sent before numbering) are taken as they come.
      expect(answers(book.apply(amend(order.orderId, undefined, { quantity: 8 })))).toEqual([
        ['order_updated', null, undefined],
      ]);
      // The buy stands at 3503 (amend 3), not 3502 (amend 2): a sell at 3503 trades with it.
      const trades = book.apply(place(BOB, 'sell', 3503, 8)).filter((event) => event.type === 'trade');
      expect(trades).toMatchObject([{ price: 3503, quantity: 8, makerOrderId: order.orderId }]);
      expect(book.validateInternalState()).toEqual([]);
    });

    it('answers a refused amend with its number, and the number is spent', () => {
      const book = new ContractBook(PETR4);
      const order = place(ALICE, 'buy', 3500, 10);
      book.apply(order);
      // The price it already has: nothing to change.
      expect(answers(book.apply(amend(order.orderId, 1, { price: 3500 })))).toEqual([
        ['order_rejected', 'invalid_order', 1],
      ]);
      expect(book.apply(amend(order.orderId, 1, { price: 3510 }))).toEqual([]);
    });

    it('refuses a withdrawn amend, then its copy coming late; a withdrawal of an amend it had changes nothing', () => {
      const book = new ContractBook(PETR4);
      const order = place(ALICE, 'buy', 3500, 10);
      book.apply(order);
      const [refusal] = book.apply(withdraw(order.orderId, 1));
      expect(EngineEvent.parse(refusal)).toMatchObject({
        type: 'order_rejected',
        commandType: 'amend_order',
        reason: 'stale_command',
        amendNumber: 1,
        orderId: order.orderId,
        message: expect.stringMatching(/withdrawn/),
      });
      expect(book.apply(amend(order.orderId, 1, { price: 3501 }))).toEqual([]);
      expect(answers(book.apply(amend(order.orderId, 2, { price: 3502 })))).toEqual([['order_updated', null, 2]]);
      expect(book.apply(withdraw(order.orderId, 2))).toEqual([]);
      expect(book.apply(withdraw(order.orderId, 1))).toEqual([]);
    });

    it('keeps what each order has had through a snapshot, and in its state hash', () => {
      const order = place(ALICE, 'buy', 3500, 10);
      const book = new ContractBook(PETR4);
      const twin = new ContractBook(PETR4);
      book.apply(order);
      twin.apply(order);
      // One refusal each, so the same sequence and the same core book: only the amend number the order had differs.
      book.apply(withdraw(order.orderId, 4));
      twin.apply(amend(order.orderId, undefined, { price: 3500 }));
      expect(book.lastSequence).toBe(twin.lastSequence);
      expect(book.stateHash()).not.toBe(twin.stateHash());
      const restored = new ContractBook(PETR4, JSON.parse(JSON.stringify(book.snapshot())));
      expect(restored.stateHash()).toBe(book.stateHash());
      expect(restored.apply(amend(order.orderId, 4, { price: 3510 }))).toEqual([]);
      expect(answers(restored.apply(amend(order.orderId, 5, { price: 3510 })))).toEqual([['order_updated', null, 5]]);
    });
  });

  describe('placements sent again (the API re-sends orders it cannot tell were delivered)', () => {
    const at = (command: ReturnType<typeof place>, timestamp: number) => ({ ...command, timestamp });

    it('changes nothing, whether the order still rests, has filled or was rejected', () => {
      const book = new ContractBook(PETR4, undefined, { placementMemoryMs: 60_000 });
      const resting = at(place(ALICE, 'sell', 3500, 10), 1_000);
      const filled = at(place(BOB, 'buy', 3510, 4), 2_000);
      const refused = at(place(BOB, 'buy', 3500, 1, { postOnly: true }), 3_000);
      const first = applyAll(book, [resting, filled, refused]);
      expect(first.filter((event) => event.type === 'trade')).toHaveLength(1);
      expect(first.at(-1)).toMatchObject({ type: 'order_rejected', reason: 'post_only_would_take' });
      const hash = book.stateHash();
      for (const command of [resting, filled, refused]) {
        expect(book.apply({ ...command, commandId: uuid() })).toEqual([]);
      }
      expect(book.stateHash()).toBe(hash);
      expect(book.lastSequence).toBe(first.length);
    });

    it('rejects as stale a placement older than the window, and remembers a resting order past it', () => {
      const book = new ContractBook(PETR4, undefined, { placementMemoryMs: 60_000 });
      const resting = at(place(ALICE, 'sell', 3500, 10), 1_000);
      const filled = at(place(BOB, 'buy', 3500, 4), 2_000);
      applyAll(book, [resting, filled]);
      // Command time moves past the window of both placements.
      applyAll(book, [at(place(BOB, 'buy', 3400, 1), 70_000)]);
      const [late] = book.apply({ ...filled, commandId: uuid() });
      expect(late).toMatchObject({
        type: 'order_rejected',
        orderId: filled.orderId,
        commandType: 'place_order',
        reason: 'stale_command',
      });
      expect(EngineEvent.parse(late)).toEqual(late);
      // Still resting, so still known: sent again, it changes nothing however old it is.
      expect(book.apply({ ...resting, commandId: uuid() })).toEqual([]);
      // Just inside the window, a new order is taken.
      expect(book.apply(at(place(BOB, 'buy', 3400, 1), 10_000))[0]).toMatchObject({ type: 'order_accepted' });
      expect(book.validateInternalState()).toEqual([]);
    });

    it('remembers placements across a snapshot, and forgets them only as command time moves on', () => {
      const book = new ContractBook(PETR4, undefined, { placementMemoryMs: 60_000 });
      const filled = [at(place(ALICE, 'sell', 3500, 3), 1_000), at(place(BOB, 'buy', 3500, 3), 2_000)];
      applyAll(book, filled);
      const restored = new ContractBook(PETR4, JSON.parse(JSON.stringify(book.snapshot())), {
        placementMemoryMs: 60_000,
      });
      expect(restored.stateHash()).toBe(book.stateHash());
      expect(restored.apply({ ...filled[1]!, commandId: uuid() })).toEqual([]);
      restored.apply(at(place(BOB, 'buy', 3400, 1), 61_500));
      // 1,000 fell out of the window [1,500, 61,500]; 2,000 did not.
      expect(restored.apply({ ...filled[1]!, commandId: uuid() })).toEqual([]);
      expect(restored.apply({ ...filled[0]!, commandId: uuid() })[0]).toMatchObject({ reason: 'stale_command' });
      expect(restored.snapshot().placements?.orderIds).toEqual([filled[1]!.orderId, expect.any(String)]);
      expect(restored.validateInternalState()).toEqual([]);
    });

    it('moves its window with placements only, whose timestamps all come from where orders are recorded', () => {
      const book = new ContractBook(PETR4, undefined, { placementMemoryMs: 60_000 });
      const resting = at(place(ALICE, 'sell', 3500, 3), 1_000);
      const gone = at(place(BOB, 'buy', 3400, 1, { timeInForce: 'IOC' }), 2_000);
      applyAll(book, [resting, gone]);
      // A cancel stamped by a process whose clock runs far ahead changes nothing about what is stale.
      book.apply({
        ...envelope(),
        timestamp: 10_000_000,
        type: 'cancel_order',
        accountId: ALICE,
        clientOrderId: null,
        orderId: resting.orderId,
      });
      expect(book.apply({ ...gone, commandId: uuid() })).toEqual([]);
      expect(book.apply(at(place(BOB, 'buy', 3400, 1), 3_000))[0]).toMatchObject({ type: 'order_accepted' });
    });

    it('rejects a first placement sent longer than its max delay after recording, for good', () => {
      const book = new ContractBook(PETR4, undefined, { placementMaxDelayMs: 30_000 });
      const taken = { ...at(place(ALICE, 'sell', 3500, 10), 1_000), sentAt: 1_050 };
      expect(book.apply(taken)[0]).toMatchObject({ type: 'order_accepted' });
      // A copy of an order already taken changes nothing, however late it was sent.
      expect(book.apply({ ...taken, commandId: uuid(), sentAt: 500_000 })).toEqual([]);
      const onTime = { ...at(place(BOB, 'buy', 3400, 1), 2_000), sentAt: 32_000 };
      expect(book.apply(onTime)[0]).toMatchObject({ type: 'order_accepted' });
      const late = { ...at(place(BOB, 'buy', 3400, 2), 3_000), sentAt: 33_001 };
      const refused = book.apply(late);
      expect(refused).toEqual([
        expect.objectContaining({ type: 'order_rejected', orderId: late.orderId, reason: 'stale_command' }),
      ]);
      // The copy sent on time but delivered after the refusal does not place it.
      expect(book.apply({ ...late, commandId: uuid(), sentAt: 3_000 })).toEqual([]);
      // Without sentAt a placement counts as sent when it was recorded.
      expect(book.apply(at(place(BOB, 'buy', 3400, 3), 4_000))[0]).toMatchObject({ type: 'order_accepted' });
      expect(book.validateInternalState()).toEqual([]);
    });

    describe('a cancel that arrives before its placement (the placement re-sent after its sender died)', () => {
      const cancel = (accountId: string, orderId: string, timestamp: number) => ({
        ...envelope(),
        timestamp,
        type: 'cancel_order' as const,
        accountId,
        clientOrderId: null,
        orderId,
      });

      it('cancels the placement when it comes, across a snapshot, for its owner only', () => {
        const book = new ContractBook(PETR4, undefined, { placementMemoryMs: 60_000 });
        const resting = at(place(BOB, 'sell', 3500, 10), 1_000);
        const stranded = at(place(ALICE, 'buy', 3500, 4), 2_000);
        const other = at(place(ALICE, 'buy', 3500, 1), 2_500);
        applyAll(book, [resting]);
        expect(book.apply(cancel(ALICE, stranded.orderId, 2_100))).toEqual([
          expect.objectContaining({ type: 'order_rejected', commandType: 'cancel_order', reason: 'unknown_order' }),
        ]);
        // Another account's cancel of an order that is not there yet holds nothing up.
        book.apply(cancel(BOB, other.orderId, 2_600));
        const restored = new ContractBook(PETR4, JSON.parse(JSON.stringify(book.snapshot())), {
          placementMemoryMs: 60_000,
        });
        expect(restored.stateHash()).toBe(book.stateHash());

        const events = restored.apply({ ...stranded, sentAt: 12_000 });
        expect(events).toEqual([
          {
            schemaVersion: 1,
            symbol: 'PETR4',
            commandId: stranded.commandId,
            traceId: TRACE,
            timestamp: 2_000,
            sequence: restored.lastSequence,
            type: 'order_cancelled',
            orderId: stranded.orderId,
            accountId: ALICE,
            reason: 'requested',
            filledQuantity: 0,
            cancelledQuantity: 4,
          },
        ]);
        expect(EngineEvent.parse(events[0])).toEqual(events[0]);
        expect(restored.core.liveOrders).toBe(1);
        // Sent once more, it is a placement the book has already answered.
        expect(restored.apply({ ...stranded, commandId: uuid() })).toEqual([]);
        expect(restored.apply(other).some((event) => event.type === 'trade')).toBe(true);
        expect(restored.validateInternalState()).toEqual([]);
      });

      it("keeps the exchange's reason for such a cancel (a suspended account) across a snapshot", () => {
        const book = new ContractBook(PETR4, undefined, { placementMemoryMs: 60_000 });
        const stranded = at(place(ALICE, 'buy', 3500, 4), 2_000);
        book.apply({ ...cancel(ALICE, stranded.orderId, 2_100), reason: 'account_suspended' });
        expect(book.snapshot().placements?.cancelledFirst).toEqual([
          [stranded.orderId, ALICE, 2_100, 'account_suspended'],
        ]);
        const restored = new ContractBook(PETR4, JSON.parse(JSON.stringify(book.snapshot())), {
          placementMemoryMs: 60_000,
        });
        expect(restored.stateHash()).toBe(book.stateHash());
        expect(restored.apply(stranded)).toEqual([
          expect.objectContaining({ type: 'order_cancelled', reason: 'account_suspended', cancelledQuantity: 4 }),
        ]);
      });

      it('leaves an order it has placed alone, and forgets a waiting cancel once its placement would be stale', () => {
        const book = new ContractBook(PETR4, undefined, { placementMemoryMs: 60_000 });
        const done = at(place(ALICE, 'buy', 3400, 1, { timeInForce: 'IOC' }), 1_000);
        book.apply(done);
        book.apply(cancel(ALICE, done.orderId, 1_100));
        const neverSent = uuid();
        book.apply(cancel(ALICE, neverSent, 1_200));
        expect(book.snapshot().placements?.cancelledFirst).toEqual([[neverSent, ALICE, 1_200]]);
        book.apply(at(place(BOB, 'buy', 3400, 1), 61_000));
        expect(book.snapshot().placements?.cancelledFirst).toEqual([[neverSent, ALICE, 1_200]]);
        book.apply(at(place(BOB, 'buy', 3400, 1), 61_201));
        expect(book.snapshot().placements?.cancelledFirst).toEqual([]);
      });
    });

    it('reads a snapshot written before placements were remembered', () => {
      const book = new ContractBook(PETR4);
      book.apply(place(ALICE, 'sell', 3500, 3));
      const { placements: _placements, ...older } = book.snapshot();
      const restored = new ContractBook(PETR4, older);
      expect(restored.validateInternalState()).toEqual([]);
      expect(restored.apply(place(BOB, 'buy', 3500, 3)).some((event) => event.type === 'trade')).toBe(true);
    });
  });

  it('refuses a command for another symbol and a snapshot of another book', () => {
    const book = new ContractBook(PETR4);
    expect(() => book.apply({ ...place(ALICE, 'buy', 3500, 1), symbol: 'VALE3' })).toThrow(/VALE3/);
    expect(() => new ContractBook({ ...PETR4, symbol: 'VALE3' }, book.snapshot())).toThrow();
  });
});

describe('the core stays pure', () => {
  it('imports nothing at run time but its own files (no I/O, clock or randomness either)', () => {
    const dir = join(import.meta.dirname, '..', 'src');
    for (const file of readdirSync(dir)) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const match of source.matchAll(/^import (type )?[^;]*? from '([^']+)';/gms)) {
        if (match[1] === undefined) expect(match[2], `${file} imports ${match[2]}`).toMatch(/^\.\//);
      }
      expect(source, file).not.toMatch(/Date\.now|new Date|Math\.random|performance\.now|process\.|require\(/);
    }
  });

  it('validateInternalState notices a corrupted book', () => {
    const book = new ContractBook(PETR4);
    book.apply(place(ALICE, 'buy', 3500, 10));
    book.apply(place(ALICE, 'buy', 3500, 5));
    expect(book.validateInternalState()).toEqual([]);
    book.core.levels.quantity[0] = 999;
    expect(book.validateInternalState().join()).toMatch(/totals 999/);
  });
});
