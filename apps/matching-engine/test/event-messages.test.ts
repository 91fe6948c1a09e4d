import { randomUUID } from 'node:crypto';
import { decodeEvents, DEFAULT_INSTRUMENTS, MAX_EVENTS_PER_MESSAGE, type OrderCommand } from '@bolsa/contracts';
import { ContractBook } from '@bolsa/order-book';
import { describe, expect, it } from 'vitest';
import { eventMessages, SOURCE_OFFSET_HEADER } from '../src/event-messages.js';

const PETR4 = DEFAULT_INSTRUMENTS.find((instrument) => instrument.symbol === 'PETR4')!;
const ACCOUNT = '0b0f4b1e-6f54-4c8e-9a51-3f1c2f8d9a01';
const envelope = (i: number) => ({
  schemaVersion: 1 as const,
  commandId: randomUUID(),
  symbol: 'PETR4',
  traceId: randomUUID().replaceAll('-', ''),
  timestamp: 1_763_700_000_000 + i,
});

describe('eventMessages', () => {
  it('puts each command’s events in one message, keyed and headed for it, in command order', () => {
    const book = new ContractBook(PETR4);
    const commands: OrderCommand[] = [0, 1].map((i) => ({
      ...envelope(i),
      type: 'place_order',
      orderId: randomUUID(),
      accountId: ACCOUNT,
      clientOrderId: null,
      side: 'buy',
      orderType: 'limit',
      timeInForce: 'GTC',
      price: 3500 + i,
      stopPrice: null,
      trailingOffset: null,
      quantity: 10,
      postOnly: false,
      selfTradePrevention: 'cancel_newest',
    }));
    const out = commands.map((command, i) => ({ events: book.apply(command), offset: 40 + i }));
    const messages = eventMessages(2, out);
    expect(messages).toHaveLength(2);
    messages.forEach((message, i) => {
      expect(message).toMatchObject({ key: 'PETR4', partition: 2 });
      expect(message.headers).toMatchObject({
        [SOURCE_OFFSET_HEADER]: String(40 + i),
        'trace-id': commands[i]!.traceId,
      });
      expect(decodeEvents(message.value as string)).toEqual({ ok: true, value: out[i]!.events });
    });
  });

  it('spreads a command that caused more than MAX_EVENTS_PER_MESSAGE events over several messages, in order', () => {
    const book = new ContractBook(PETR4);
    const count = 1100;
    for (let i = 0; i < count; i++) {
      book.apply({
        ...envelope(i),
        type: 'place_order',
        orderId: randomUUID(),
        accountId: ACCOUNT,
        clientOrderId: null,
        side: i % 2 === 0 ? 'buy' : 'sell',
        orderType: 'limit',
        timeInForce: 'DAY',
        price: i % 2 === 0 ? 3000 + (i % 50) : 4000 + (i % 50),
        stopPrice: null,
        trailingOffset: null,
        quantity: 1,
        postOnly: false,
        selfTradePrevention: 'cancel_newest',
      });
    }
    const events = book.apply({ ...envelope(count), type: 'end_of_day' });
    expect(events.length).toBeGreaterThan(MAX_EVENTS_PER_MESSAGE * 2);
    const messages = eventMessages(0, [{ events, offset: 9 }]);
    expect(messages).toHaveLength(Math.ceil(events.length / MAX_EVENTS_PER_MESSAGE));
    const decoded = messages.flatMap((message) => {
      expect(message.headers?.[SOURCE_OFFSET_HEADER]).toBe('9');
      const result = decodeEvents(message.value as string);
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    });
    expect(decoded).toEqual(events);
  });
});
