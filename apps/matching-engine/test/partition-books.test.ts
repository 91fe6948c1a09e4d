import { randomUUID } from 'node:crypto';
import { DEFAULT_INSTRUMENTS, EngineEvent } from '@bolsa/contracts';
import { ContractBook } from '@bolsa/order-book';
import { describe, expect, it } from 'vitest';
import { PartitionBooks } from '../src/partition-books.js';
import { orderFlow } from './commands.js';

const instruments = new Map(DEFAULT_INSTRUMENTS.map((instrument) => [instrument.symbol, instrument]));

describe('PartitionBooks', () => {
  it('applies commands in offset order and reports repeats and gaps', () => {
    const books = new PartitionBooks(0, instruments);
    const [first, second] = orderFlow(2, ['PETR4']);
    expect(books.apply(first!, 0).kind).toBe('applied');
    expect(books.apply(first!, 0)).toEqual({ kind: 'already_applied' });
    expect(books.apply(second!, 5)).toEqual({ kind: 'gap', expected: 1 });
    expect(books.apply(second!, 1).kind).toBe('applied');
    expect(books.nextOffset).toBe(2);
  });

  it('knows the id of the command at its last offset, in its snapshot too, and none after an undecodable one', () => {
    const books = new PartitionBooks(0, instruments);
    const [first, second] = orderFlow(2, ['PETR4']);
    books.apply(first!, 0);
    books.apply(second!, 1);
    books.apply(first!, 0);
    expect(books.snapshot().lastCommandId).toBe(second!.commandId);
    expect(new PartitionBooks(0, instruments, books.snapshot()).lastCommandId).toBe(second!.commandId);
    books.skip(2);
    expect(books.snapshot()).toMatchObject({ nextOffset: 3, lastCommandId: null });
  });

  it("tells each book's trading status: halted, and in a call auction, as its commands leave it", () => {
    const books = new PartitionBooks(0, instruments);
    const [placement] = orderFlow(1, ['PETR4']);
    if (placement?.type !== 'place_order' || placement.auctionEndsAt === undefined) {
      throw new Error('the flow starts with a placement in an auction');
    }
    books.apply(placement, 0);
    expect([...books.tradingStatus()]).toEqual([{ symbol: 'PETR4', halted: false, inAuction: true }]);
    const market = { schemaVersion: 1 as const, symbol: 'PETR4', traceId: placement.traceId };
    const opensAt = placement.auctionEndsAt;
    books.apply(
      {
        ...market,
        commandId: randomUUID(),
        timestamp: opensAt,
        type: 'open_trading',
        tradingDay: '2025-11-21',
        opensAt,
      },
      1,
    );
    books.apply({ ...market, commandId: randomUUID(), timestamp: opensAt + 1, type: 'halt_trading' }, 2);
    expect([...books.tradingStatus()]).toEqual([{ symbol: 'PETR4', halted: true, inAuction: false }]);
  });

  it('gives the same events as one ContractBook per symbol, and resumes from a snapshot exactly', () => {
    const commands = orderFlow(600, ['PETR4', 'VALE3']);
    const reference = new Map(['PETR4', 'VALE3'].map((symbol) => [symbol, new ContractBook(instruments.get(symbol)!)]));
    const expected = commands.flatMap((command) => reference.get(command.symbol)!.apply(command));

    const first = new PartitionBooks(2, instruments);
    const events: EngineEvent[] = [];
    commands.slice(0, 300).forEach((command, offset) => {
      const outcome = first.apply(command, offset);
      if (outcome.kind === 'applied') events.push(...outcome.events);
    });
    const resumed = new PartitionBooks(2, instruments, JSON.parse(JSON.stringify(first.snapshot())));
    commands.slice(300).forEach((command, i) => {
      const outcome = resumed.apply(command, 300 + i);
      if (outcome.kind === 'applied') events.push(...outcome.events);
    });
    expect(events).toEqual(expected);
    for (const event of events) expect(EngineEvent.parse(event)).toEqual(event);
    expect(resumed.stateHashes()).toEqual(Object.fromEntries([...reference].map(([s, b]) => [s, b.stateHash()])));
  });

  it('reports a placement sent again, and gives its books the placement memory it was configured with', () => {
    const [first] = orderFlow(1, ['PETR4']);
    if (first?.type !== 'place_order') throw new Error('the flow starts with a placement');
    // A market order into an empty book: cancelled at once, so nothing but the memory knows it.
    const placed = {
      ...first,
      orderType: 'market' as const,
      timeInForce: 'IOC' as const,
      price: null,
      timestamp: 1_000,
    };
    // Another placement 900 ms later: placements move the memory's window.
    const later = { ...placed, commandId: randomUUID(), orderId: randomUUID(), timestamp: 1_900 };
    const books = new PartitionBooks(0, instruments, undefined, { placementMemoryMs: 500 });
    expect(books.apply(placed, 0).kind).toBe('applied');
    expect(books.apply({ ...placed, commandId: randomUUID() }, 1)).toEqual({ kind: 'resent' });
    const resumed = new PartitionBooks(0, instruments, JSON.parse(JSON.stringify(books.snapshot())), {
      placementMemoryMs: 500,
    });
    expect(resumed.apply({ ...placed, commandId: randomUUID() }, 2)).toEqual({ kind: 'resent' });
    resumed.apply(later, 3);
    // The first placement is now outside a 500 ms memory: sent again, it is stale.
    expect(resumed.apply({ ...placed, commandId: randomUUID() }, 4)).toEqual({
      kind: 'applied',
      events: [expect.objectContaining({ type: 'order_rejected', reason: 'stale_command' })],
    });
  });

  it('reports a numbered amend sent again as such, and an unnumbered one that changes nothing as applied', () => {
    const [first] = orderFlow(1, ['PETR4']);
    if (first?.type !== 'place_order') throw new Error('the flow starts with a placement');
    const resting = { ...first, orderType: 'limit' as const, timeInForce: 'GTC' as const, price: 1000 };
    const books = new PartitionBooks(0, instruments);
    books.apply(resting, 0);
    const amend = {
      ...resting,
      commandId: randomUUID(),
      type: 'amend_order' as const,
      price: resting.price + 1,
      quantity: null,
      amendNumber: 1,
    };
    expect(books.apply(amend, 1)).toMatchObject({
      kind: 'applied',
      events: expect.arrayContaining([expect.objectContaining({ change: 'amended', amendNumber: 1 })]),
    });
    expect(books.apply({ ...amend, commandId: randomUUID() }, 2)).toEqual({ kind: 'resent' });
    const { amendNumber: _unnumbered, ...unnumbered } = amend;
    expect(books.apply({ ...unnumbered, commandId: randomUUID() }, 3)).toMatchObject({
      kind: 'applied',
      events: [{ type: 'order_rejected', reason: 'invalid_order' }],
    });
  });

  it('rejects commands for symbols it does not trade, with their own gap-free sequence', () => {
    const books = new PartitionBooks(0, instruments);
    const [a, b] = orderFlow(2, ['XPTO3']);
    const first = books.apply(a!, 0);
    const second = books.apply(b!, 1);
    expect(first.kind === 'applied' && first.events.map((e) => [e.type, e.sequence])).toEqual([['order_rejected', 1]]);
    expect(second.kind === 'applied' && second.events[0]).toMatchObject({ reason: 'unknown_symbol', sequence: 2 });
    const resumed = new PartitionBooks(0, instruments, books.snapshot());
    const third = resumed.apply(orderFlow(1, ['XPTO3'])[0]!, 2);
    expect(third.kind === 'applied' && third.events[0]?.sequence).toBe(3);
    // The exchange's own commands name no order: there is nothing to reject.
    const halt = { ...orderFlow(1, ['XPTO3'])[0]!, type: 'halt_trading' as const };
    expect(resumed.apply(halt, 3)).toEqual({ kind: 'applied', events: [] });
  });
});
