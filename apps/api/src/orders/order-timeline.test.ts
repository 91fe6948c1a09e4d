import { randomUUID } from 'node:crypto';
import { DEFAULT_INSTRUMENTS, type EngineEvent, type OrderCommand, type PlaceOrderCommand } from '@bolsa/contracts';
import { ContractBook } from '@bolsa/order-book';
import { describe, expect, it } from 'vitest';
import { eventStep, timelinePage } from './order-timeline.js';

const ACCOUNT = randomUUID();
const OTHER = randomUUID();
const envelope = () => ({
  schemaVersion: 1 as const,
  commandId: randomUUID(),
  symbol: 'PETR4',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  timestamp: 1_796_000_000_000,
});

function place(orderId: string, fields: Partial<PlaceOrderCommand>): PlaceOrderCommand {
  return {
    ...envelope(),
    type: 'place_order',
    accountId: ACCOUNT,
    clientOrderId: null,
    orderId,
    side: 'buy',
    orderType: 'limit',
    timeInForce: 'GTC',
    price: 3000,
    stopPrice: null,
    trailingOffset: null,
    quantity: 10,
    postOnly: false,
    selfTradePrevention: 'cancel_newest',
    ...fields,
  };
}

/** The steps the order's events make, played through the real book. */
function stepsOf(orderId: string, commands: readonly OrderCommand[]) {
  const book = new ContractBook(DEFAULT_INSTRUMENTS.find((instrument) => instrument.symbol === 'PETR4')!);
  const events: EngineEvent[] = commands.flatMap((command) => book.apply(command));
  return events
    .filter((event) => 'orderId' in event && event.orderId === orderId)
    .map(eventStep)
    .map((step) => (step === null ? null : { kind: step.kind, ...('quantity' in step ? { q: step.quantity } : {}) }));
}

describe('eventStep', () => {
  it('leaves out a partial fill’s update, which the fill itself tells', () => {
    const maker = randomUUID();
    const steps = stepsOf(maker, [
      place(maker, { side: 'sell', quantity: 10 }),
      place(randomUUID(), { accountId: OTHER, quantity: 4 }),
    ]);
    expect(steps).toEqual([{ kind: 'accepted', q: '10' }, null]);
  });

  it('tells a self-trade decrement with what is left, and an expiry with what expired', () => {
    const resting = randomUUID();
    const steps = stepsOf(resting, [
      place(resting, { side: 'sell', quantity: 10, timeInForce: 'DAY' }),
      place(randomUUID(), { quantity: 4, selfTradePrevention: 'decrement_and_cancel' }),
      { ...envelope(), type: 'end_of_day' },
    ]);
    expect(steps).toEqual([
      { kind: 'accepted', q: '10' },
      { kind: 'decremented', q: '6' },
      { kind: 'expired', q: '6' },
    ]);
  });

  it('tells a trailing stop following the market, with its new stop price', () => {
    const trailing = randomUUID();
    const book = new ContractBook(DEFAULT_INSTRUMENTS.find((instrument) => instrument.symbol === 'PETR4')!);
    const events = [
      place(trailing, { side: 'sell', orderType: 'stop_market', price: null, stopPrice: 2900, trailingOffset: 100 }),
      place(randomUUID(), { accountId: OTHER, side: 'sell', price: 3100, quantity: 1 }),
      place(randomUUID(), { accountId: randomUUID(), price: 3100, quantity: 1 }),
    ].flatMap((command) => book.apply(command));
    const moved = events.filter((event) => 'orderId' in event && event.orderId === trailing).map(eventStep);
    expect(moved.at(-1)).toMatchObject({ kind: 'stop_moved', stopPrice: '30.00', price: null });
  });
});

describe('timelinePage', () => {
  const at = new Date(0).toISOString();
  const step = (sequence: number) => ({ kind: 'filled' as const, sequence, at });

  it('merges its sources in sequence order and says where the next page starts only when there is more', () => {
    expect(timelinePage([[step(0)], [step(2), step(5)], [step(3)]], 3)).toEqual({
      items: [step(0), step(2), step(3)],
      lastSequence: 3,
    });
    expect(timelinePage([[step(2), step(5)], [step(3)]], 3)).toEqual({
      items: [step(2), step(3), step(5)],
      lastSequence: null,
    });
  });
});
