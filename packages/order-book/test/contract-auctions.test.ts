import { EngineEvent, type OrderCommand } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { ContractBook } from '../src/index.js';
import { ALICE, BOB, envelope, limitOrder, PETR4, uuid } from './contract-commands.js';

/** The pre-opening of 2025-11-21 ends at 10:00 in São Paulo. */
const OPENS = Date.parse('2025-11-21T13:00:00Z');
const MINUTE = 60_000;

/** A GTC limit order recorded at `at`, in the auction ending at `OPENS` when recorded before it. */
const limit = (accountId: string, side: 'buy' | 'sell', price: number, quantity: number, at: number) =>
  limitOrder(accountId, side, price, quantity, { timestamp: at, ...(at < OPENS ? { auctionEndsAt: OPENS } : {}) });

const open = (tradingDay = '2025-11-21', opensAt = OPENS, at = opensAt): OrderCommand => ({
  ...envelope(at),
  type: 'open_trading',
  tradingDay,
  opensAt,
});

const trades = (events: EngineEvent[]) =>
  events.flatMap((event) => (event.type === 'trade' ? [[event.price, event.quantity, event.aggressorSide]] : []));

function apply(book: ContractBook, commands: OrderCommand[]): EngineEvent[] {
  const events = commands.flatMap((command) => book.apply(command));
  for (const event of events) expect(EngineEvent.parse(event)).toEqual(event);
  expect(book.validateInternalState()).toEqual([]);
  return events;
}

describe('ContractBook: the pre-opening call auction', () => {
  it('holds the orders recorded in it without trading, and uncrosses them at one price when trading opens', () => {
    const book = new ContractBook(PETR4);
    const held = apply(book, [
      limit(ALICE, 'sell', 3500, 100, OPENS - 10 * MINUTE),
      limit(BOB, 'buy', 3520, 60, OPENS - 9 * MINUTE),
      limit(BOB, 'buy', 3510, 80, OPENS - 8 * MINUTE),
    ]);
    expect(trades(held)).toEqual([]);
    expect(book.core.inAuction).toBe(true);
    expect(book.core.uncrossPrice()).toEqual({ price: 3510, quantity: 100, imbalance: 40 });
    const opened = apply(book, [open()]);
    expect(trades(opened)).toEqual([
      [3510, 60, 'buy'],
      [3510, 40, 'buy'],
    ]);
    expect(opened.map((event) => event.sequence)).toEqual(opened.map((_, i) => held.length + i + 1));
    expect(book.core.inAuction).toBe(false);
    // A copy of the opening changes nothing.
    expect(apply(book, [open()])).toEqual([]);
  });

  it("marks the uncross's trades as the auction's, and not the continuous trades that follow it", () => {
    const book = new ContractBook(PETR4);
    apply(book, [
      limit(ALICE, 'sell', 3500, 100, OPENS - 10 * MINUTE),
      limit(BOB, 'buy', 3510, 60, OPENS - 9 * MINUTE),
      // A buy stop the auction's price reaches: it fires after the uncross, and takes what is left of the sell.
      limitOrder(BOB, 'buy', 0, 10, {
        timestamp: OPENS - 8 * MINUTE,
        auctionEndsAt: OPENS,
        orderType: 'stop_market',
        price: null,
        stopPrice: 3500,
      }),
    ]);
    const opened = apply(book, [open(), limit(BOB, 'buy', 3500, 5, OPENS + MINUTE)]);
    const flagged = opened.flatMap((event) => (event.type === 'trade' ? [[event.quantity, event.auction]] : []));
    expect(flagged).toEqual([
      [60, true],
      [10, false],
      [5, false],
    ]);
  });

  it('uncrosses first when a command recorded after the opening arrives before the opening itself', () => {
    const book = new ContractBook(PETR4);
    apply(book, [limit(ALICE, 'sell', 3500, 100, OPENS - MINUTE), limit(BOB, 'buy', 3500, 30, OPENS - MINUTE)]);
    const events = apply(book, [limit(BOB, 'buy', 3500, 20, OPENS + 1)]);
    expect(trades(events)).toEqual([
      [3500, 30, 'sell'],
      [3500, 20, 'buy'],
    ]);
    expect(apply(book, [open()])).toEqual([]);
  });

  it('lets an order of an auction already uncrossed trade at once, as it came late', () => {
    const book = new ContractBook(PETR4);
    apply(book, [limit(ALICE, 'sell', 3500, 100, OPENS - MINUTE), open()]);
    const late = apply(book, [limit(BOB, 'buy', 3500, 10, OPENS - 1)]);
    expect(trades(late)).toEqual([[3500, 10, 'buy']]);
    expect(book.core.inAuction).toBe(false);
  });

  it('keeps an auction cut short by the close, crossed, for the next opening, and ignores the closed day’s', () => {
    const book = new ContractBook(PETR4);
    apply(book, [limit(ALICE, 'sell', 3500, 100, OPENS - 5 * MINUTE), limit(BOB, 'buy', 3510, 100, OPENS - MINUTE)]);
    apply(book, [
      { ...envelope(OPENS - 30_000), type: 'end_of_day', tradingDay: '2025-11-21', endsTrading: true },
      open(),
      // A cancel recorded after the opening that never came: the auction is not uncrossed by it.
      { ...envelope(OPENS + MINUTE), type: 'cancel_order', orderId: uuid(), accountId: BOB, clientOrderId: null },
    ]);
    expect(book.core.inAuction).toBe(true);
    const next = Date.parse('2025-11-24T13:00:00Z');
    // 3500 and 3510 trade as much with nothing over; before any trade, PETR4's reference price (38.00) is nearer 3510.
    expect(trades(apply(book, [open('2025-11-24', next)]))).toEqual([[3510, 100, 'buy']]);
  });

  it('opens an auction a close cut short when an order of continuous trading comes first (a reopened day)', () => {
    const book = new ContractBook(PETR4);
    apply(book, [limit(ALICE, 'sell', 3500, 100, OPENS - 5 * MINUTE), limit(BOB, 'buy', 3510, 40, OPENS - MINUTE)]);
    apply(book, [
      { ...envelope(OPENS - 30_000), type: 'end_of_day', tradingDay: '2025-11-21', endsTrading: true },
      // The administrator reopens the day: the books are not told, and with no order joining the auction since the
      // close, the day's opening is ignored as closed.
      open(),
    ]);
    expect(book.core.inAuction).toBe(true);
    // The first order after the opening finds the book crossed: it uncrosses first, then the order trades on.
    const events = apply(book, [limit(BOB, 'buy', 3500, 10, OPENS + 10 * MINUTE)]);
    expect(trades(events)).toEqual([
      [3500, 40, 'sell'],
      [3500, 10, 'buy'],
    ]);
    expect(book.core.inAuction).toBe(false);
  });

  it('uncrosses a reopened day’s auction at its opening when orders joined it after the close', () => {
    const book = new ContractBook(PETR4);
    apply(book, [limit(ALICE, 'sell', 3500, 100, OPENS - 5 * MINUTE), limit(BOB, 'buy', 3510, 40, OPENS - MINUTE)]);
    apply(book, [
      { ...envelope(OPENS - 50_000), type: 'end_of_day', tradingDay: '2025-11-21', endsTrading: true },
      // The administrator reopens the day in its pre-opening: a new order joins the auction, ending at the opening.
      limit(BOB, 'buy', 3505, 10, OPENS - 20_000),
    ]);
    // Sellers left over at every price trading 50: the lowest, 3500.
    const opened = apply(book, [open()]);
    expect(trades(opened)).toEqual([
      [3500, 40, 'sell'],
      [3500, 10, 'sell'],
    ]);
    expect(book.core.inAuction).toBe(false);
  });

  it('gives a reopened day back the auction its close cut short: ending at the opening, or at once after it', () => {
    const cutShort = () => {
      const book = new ContractBook(PETR4);
      apply(book, [
        limit(ALICE, 'sell', 3500, 100, OPENS - 5 * MINUTE),
        limit(BOB, 'buy', 3510, 40, OPENS - MINUTE),
        { ...envelope(OPENS - 50_000), type: 'end_of_day', tradingDay: '2025-11-21', endsTrading: true },
      ]);
      return book;
    };
    const reopenDay = (at: number, auctionEndsAt?: number): OrderCommand => ({
      ...envelope(at),
      type: 'reopen_day',
      tradingDay: '2025-11-21',
      ...(auctionEndsAt === undefined ? {} : { auctionEndsAt }),
    });
    // Reopened in the pre-opening: the day's opening uncrosses it, with no order since.
    const before = cutShort();
    expect(apply(before, [reopenDay(OPENS - 30_000, OPENS)])).toEqual([]);
    expect(before.core.inAuction).toBe(true);
    // 40 trade at 3500 or 3510; sellers left over: the lower.
    expect(trades(apply(before, [open()]))).toEqual([[3500, 40, 'sell']]);
    // Reopened after the opening: it uncrosses at once.
    const after = cutShort();
    apply(after, [open()]);
    expect(after.core.inAuction).toBe(true);
    expect(trades(apply(after, [reopenDay(OPENS + 5 * MINUTE)]))).toEqual([[3500, 40, 'sell']]);
    expect(after.core.inAuction).toBe(false);
    // A book in no auction cut short, or in one whose end it knows, is not touched.
    expect(apply(after, [reopenDay(OPENS + 6 * MINUTE)])).toEqual([]);
  });

  it('stays in its auction while halted, and uncrosses when trading resumes after the opening', () => {
    const book = new ContractBook(PETR4);
    apply(book, [
      limit(ALICE, 'sell', 3500, 100, OPENS - 5 * MINUTE),
      limit(BOB, 'buy', 3500, 50, OPENS - MINUTE),
      { ...envelope(OPENS - 30_000), type: 'halt_trading' },
    ]);
    expect(apply(book, [open()])).toEqual([]);
    expect(book.core.inAuction).toBe(true);
    const resumed = apply(book, [{ ...envelope(OPENS + 5 * MINUTE), type: 'resume_trading' }]);
    expect(trades(resumed)).toEqual([[3500, 50, 'sell']]);
    expect(book.core.inAuction).toBe(false);
  });

  it('resumes a halt into a reopening call: orders rest crossed until it ends, then trade at one price', () => {
    const book = new ContractBook(PETR4);
    const halted = OPENS + 60 * MINUTE;
    const reopens = halted + 20 * MINUTE;
    apply(book, [
      limit(ALICE, 'sell', 3500, 100, OPENS + 30 * MINUTE),
      { ...envelope(halted), type: 'halt_trading' },
      { ...envelope(reopens - 5 * MINUTE), type: 'resume_trading', auctionEndsAt: reopens },
    ]);
    expect(book.core.inAuction).toBe(true);
    const calls = apply(book, [
      limit(BOB, 'buy', 3520, 30, reopens - 4 * MINUTE),
      limit(BOB, 'buy', 3510, 50, reopens - 3 * MINUTE),
      { ...limit(BOB, 'buy', 3600, 10, reopens - 2 * MINUTE), timeInForce: 'IOC' as const },
    ]);
    expect(trades(calls)).toEqual([]);
    expect(calls.filter((event) => event.type === 'order_rejected')).toMatchObject([{ reason: 'auction_call' }]);
    // Halted again before its end: the auction waits, and the next resumption's reopening extends it.
    apply(book, [
      { ...envelope(reopens - MINUTE), type: 'halt_trading' },
      open('2025-11-21', reopens),
      { ...envelope(reopens + MINUTE), type: 'resume_trading', auctionEndsAt: reopens + 10 * MINUTE },
    ]);
    expect(book.core.inAuction).toBe(true);
    expect(trades(apply(book, [open('2025-11-21', reopens)]))).toEqual([]);
    const reopened = apply(book, [open('2025-11-21', reopens + 10 * MINUTE)]);
    // Sellers left over at every price that trades the most: the lowest of them.
    expect(trades(reopened)).toEqual([
      [3500, 30, 'sell'],
      [3500, 50, 'sell'],
    ]);
    expect(book.core.inAuction).toBe(false);
  });

  it('resumes straight into trading when the reopening named has already ended', () => {
    const book = new ContractBook(PETR4);
    const halted = OPENS + 60 * MINUTE;
    apply(book, [
      limit(ALICE, 'sell', 3500, 100, OPENS + 30 * MINUTE),
      { ...envelope(halted), type: 'halt_trading' },
      { ...envelope(halted + 10 * MINUTE), type: 'resume_trading', auctionEndsAt: halted + 10 * MINUTE },
    ]);
    expect(book.core.inAuction).toBe(false);
    expect(trades(apply(book, [limit(BOB, 'buy', 3500, 10, halted + 11 * MINUTE)]))).toEqual([[3500, 10, 'buy']]);
  });

  it('uncrosses a closing call when the close reaches it, before the close expires the DAY orders left', () => {
    const book = new ContractBook(PETR4);
    const closes = Date.parse('2025-11-21T21:00:00Z');
    const inCall = (order: ReturnType<typeof limit>, timeInForce: 'GTC' | 'DAY' = 'GTC') => ({
      ...order,
      timeInForce,
      auctionEndsAt: closes,
    });
    apply(book, [
      inCall(limit(ALICE, 'sell', 3500, 100, closes - 4 * MINUTE), 'DAY'),
      inCall(limit(BOB, 'buy', 3505, 60, closes - 3 * MINUTE)),
    ]);
    expect(book.core.inAuction).toBe(true);
    const closing = apply(book, [
      {
        // Sent a little early by its sender's clock: its closing instant decides.
        ...envelope(closes - 2_000),
        type: 'end_of_day',
        closedAt: closes,
        tradingDay: '2025-11-21',
        endsTrading: true,
      },
    ]);
    // Sellers left over: 3500, the lower price, is the closing price; the rest of the DAY sell expires after it.
    expect(trades(closing)).toEqual([[3500, 60, 'sell']]);
    expect(closing.filter((event) => event.type === 'order_expired')).toMatchObject([
      { expiredQuantity: 40, filledQuantity: 60 },
    ]);
    expect(book.core.inAuction).toBe(false);
  });

  it('uncrosses a closing call at an early close that ends it, and keeps a pre-opening for the next day without', () => {
    const closes = Date.parse('2025-11-21T21:00:00Z');
    const earlyClose = closes - 2 * MINUTE;
    const closeEarly = (endsAuction: boolean) => ({
      ...envelope(earlyClose),
      type: 'end_of_day' as const,
      tradingDay: '2025-11-21',
      endsTrading: true,
      ...(endsAuction ? { endsAuction } : {}),
    });
    const inCall = (order: ReturnType<typeof limit>) => ({
      ...order,
      timeInForce: 'DAY' as const,
      auctionEndsAt: closes,
    });
    const crossed = () => [
      inCall(limit(ALICE, 'sell', 3500, 100, closes - 4 * MINUTE)),
      inCall(limit(BOB, 'buy', 3505, 60, closes - 3 * MINUTE)),
    ];
    const ended = new ContractBook(PETR4);
    apply(ended, crossed());
    const events = apply(ended, [closeEarly(true)]);
    expect(trades(events)).toEqual([[3500, 60, 'sell']]);
    expect(events.filter((event) => event.type === 'order_expired')).toMatchObject([{ expiredQuantity: 40 }]);
    expect(ended.core.inAuction).toBe(false);
    // Without it, the close cuts the call short: the DAY orders expire untraded.
    const cut = new ContractBook(PETR4);
    apply(cut, crossed());
    const expired = apply(cut, [closeEarly(false)]);
    expect(trades(expired)).toEqual([]);
    expect(expired.filter((event) => event.type === 'order_expired')).toHaveLength(2);
  });

  it('keeps its auction across a snapshot: the restored book uncrosses with the same events', () => {
    const book = new ContractBook(PETR4);
    apply(book, [limit(ALICE, 'sell', 3500, 100, OPENS - 5 * MINUTE), limit(BOB, 'buy', 3510, 70, OPENS - MINUTE)]);
    const restored = new ContractBook(PETR4, JSON.parse(JSON.stringify(book.snapshot())));
    expect(restored.stateHash()).toBe(book.stateHash());
    const opening = open();
    expect(restored.apply(opening)).toEqual(book.apply(opening));
    expect(restored.stateHash()).toBe(book.stateHash());
  });
});

describe('ContractBook: the volatility auction', () => {
  /** PETR4 with a 10% tunnel around its reference, 38.00 (34.20 to 41.80), and auctions of five minutes. */
  const TUNNELLED = { ...PETR4, volatilityAuction: { tunnelBps: 1_000, seconds: 300 } };
  const AT = OPENS + 60 * MINUTE;

  it('goes into an auction ending its length after the order that hit the tunnel, then uncrosses at its end', () => {
    const book = new ContractBook(TUNNELLED);
    apply(book, [limit(ALICE, 'sell', 4100, 5, AT), limit(ALICE, 'sell', 4300, 5, AT)]);
    const hit = apply(book, [limit(BOB, 'buy', 4400, 10, AT + 1_000)]);
    expect(trades(hit)).toEqual([[4100, 5, 'buy']]);
    expect(hit).toContainEqual(
      expect.objectContaining({ type: 'volatility_auction', referencePrice: 3800, price: 4300, endsAt: AT + 301_000 }),
    );
    expect(book.core.inAuction).toBe(true);
    expect(book.snapshot().auctionEndsAt).toBe(AT + 301_000);
    // Orders keep resting; the platform's timer ends it with the end as its opening.
    expect(trades(apply(book, [limit(ALICE, 'sell', 4350, 5, AT + 2_000)]))).toEqual([]);
    expect(apply(book, [open('2025-11-21', AT + 300_000)])).toEqual([]);
    const uncrossed = apply(book, [open('2025-11-21', AT + 301_000)]);
    expect(trades(uncrossed)).toEqual([[4300, 5, 'buy']]);
    expect(book.core.inAuction).toBe(false);
    expect(book.core.tunnelRef).toBe(4300);
  });

  it('uncrosses first when a command recorded after its end comes before the timer, and survives a snapshot', () => {
    const book = new ContractBook(TUNNELLED);
    apply(book, [limit(ALICE, 'sell', 4300, 5, AT), limit(BOB, 'buy', 4400, 5, AT + 1_000)]);
    expect(book.core.inAuction).toBe(true);
    const restored = new ContractBook(TUNNELLED, JSON.parse(JSON.stringify(book.snapshot())));
    expect(restored.stateHash()).toBe(book.stateHash());
    const late = limit(BOB, 'buy', 4300, 1, AT + 301_000);
    const events = apply(restored, [late]);
    expect(events).toEqual(apply(book, [late]));
    expect(trades(events)[0]).toEqual([4300, 5, 'buy']);
  });

  it('has none for an instrument without a tunnel', () => {
    const book = new ContractBook(PETR4);
    apply(book, [limit(ALICE, 'sell', 4300, 5, AT)]);
    const events = apply(book, [limit(BOB, 'buy', 4400, 5, AT + 1_000)]);
    expect(trades(events)).toEqual([[4300, 5, 'buy']]);
    expect(events.some((event) => event.type === 'volatility_auction')).toBe(false);
  });
});
