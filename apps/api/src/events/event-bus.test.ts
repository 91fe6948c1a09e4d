import type { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { EventBus } from './event-bus.js';
import type { StoredEvent } from './event-ingestion.js';

const ALICE = '0b0f4b1e-6f54-4c8e-9a51-3f1c2f8d9a01';
const BOB = '5d1c7a62-0c2f-4d8e-8f3e-6b7a9c1d2e03';
const envelope = {
  schemaVersion: 1 as const,
  commandId: '3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  timestamp: 1_763_700_000_000,
};
const filled = (id: number, symbol: string, accountId: string): StoredEvent => ({
  id,
  event: { ...envelope, symbol, sequence: id, type: 'order_filled', orderId: `${id}`, accountId, filledQuantity: 1 },
});
const trade = (id: number, maker: string, taker: string): StoredEvent => ({
  id,
  event: {
    ...envelope,
    symbol: 'PETR4',
    sequence: id,
    type: 'trade',
    tradeId: `PETR4-${id}`,
    price: 3500,
    quantity: 1,
    aggressorSide: 'buy',
    makerOrderId: 'm',
    makerAccountId: maker,
    takerOrderId: 't',
    takerAccountId: taker,
    auction: false,
  },
});
const level = (id: number, symbol: string): StoredEvent => ({
  id,
  event: {
    ...envelope,
    symbol,
    sequence: id,
    type: 'level_changed',
    side: 'buy',
    price: 3500,
    quantity: 1,
    orderCount: 1,
  },
});

function collect(source: Observable<StoredEvent>): { ids: number[]; stop: () => void } {
  const ids: number[] = [];
  const subscription = source.subscribe((stored) => ids.push(stored.id));
  return { ids, stop: () => subscription.unsubscribe() };
}

describe('EventBus', () => {
  it('gives each account the events that name it, trades on either side once, and each symbol its own', () => {
    const bus = new EventBus();
    const all = collect(bus.events);
    const alice = collect(bus.account(ALICE));
    const bob = collect(bus.account(BOB));
    const vale = collect(bus.symbol('VALE3'));
    bus.publish([
      filled(1, 'PETR4', ALICE),
      trade(2, ALICE, BOB),
      trade(3, BOB, BOB),
      level(4, 'VALE3'),
      filled(5, 'VALE3', BOB),
    ]);
    expect(all.ids).toEqual([1, 2, 3, 4, 5]);
    expect(alice.ids).toEqual([1, 2]);
    expect(bob.ids).toEqual([2, 3, 5]);
    expect(vale.ids).toEqual([4, 5]);
  });

  it('keeps a key only while somebody listens to it', () => {
    const bus = new EventBus();
    const first = collect(bus.account(ALICE));
    const second = collect(bus.account(ALICE));
    first.stop();
    bus.publish([filled(1, 'PETR4', ALICE)]);
    expect(second.ids).toEqual([1]);
    second.stop();
    const keys = (bus as unknown as { byAccount: Map<string, unknown> }).byAccount;
    expect(keys.size).toBe(0);
    const again = collect(bus.account(ALICE));
    bus.publish([filled(2, 'PETR4', ALICE)]);
    expect(again.ids).toEqual([2]);
    expect(first.ids).toEqual([]);
  });
});
