import { describe, expect, it } from 'vitest';
import {
  AccountId,
  ClientOrderId,
  EngineEvent,
  Instrument,
  InstrumentSymbol,
  OrderCommand,
  OrderId,
  TraceId,
} from '../src/index.js';
import { ACCOUNT, envelope, limitBuy, ORDER, PETR4, validCommands, validEvents } from './fixtures.js';

function pathsOf(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  return result.error?.issues.map((issue) => issue.path.map(String).join('.')) ?? [];
}

describe('identifiers', () => {
  it.each([
    [InstrumentSymbol, ['PETR4', 'VALE3', 'BOVA11', 'AB'], ['petr4', 'P', '4PETR', 'PETR-4', 'ABCDEFGHIJKLM', '']],
    [OrderId, [ORDER], ['not-a-uuid', '', '7c9e6679742540de944be07fc1f90ae7']],
    [AccountId, [ACCOUNT], ['123']],
    [ClientOrderId, ['my-order_1', 'a', 'x'.repeat(64), 'ns:id.2'], ['', 'x'.repeat(65), 'has space', 'ç']],
    [TraceId, ['4bf92f3577b34da6a3ce929d0e0e4736'], ['0'.repeat(32), '4BF92F3577B34DA6A3CE929D0E0E4736', 'abc']],
  ])('%#: accepts the valid and rejects the invalid', (schema, valid, invalid) => {
    for (const value of valid) expect(schema.safeParse(value).success, value).toBe(true);
    for (const value of invalid) expect(schema.safeParse(value).success, value).toBe(false);
  });
});

describe('Instrument', () => {
  it('accepts a B3-style instrument, with or without a band', () => {
    expect(Instrument.parse(PETR4)).toEqual(PETR4);
    expect(Instrument.safeParse({ ...PETR4, priceBand: null }).success).toBe(true);
    expect(Instrument.parse({ ...PETR4, referencePrice: 3800 }).referencePrice).toBe(3800);
    expect(Instrument.safeParse({ ...PETR4, referencePrice: null }).success).toBe(true);
  });

  it.each([
    [{ tickSize: 0 }, 'tickSize'],
    [{ tickSize: 1.5 }, 'tickSize'],
    [{ lotSize: 0 }, 'lotSize'],
    [{ name: '' }, 'name'],
    [{ currency: 'USD' }, 'currency'],
    [{ priceBand: { min: 500, max: 100 } }, 'priceBand.max'],
    [{ tickSize: 10, priceBand: { min: 105, max: 1000 } }, 'priceBand.min'],
    [{ referencePrice: 0 }, 'referencePrice'],
    [{ tickSize: 10, priceBand: { min: 100, max: 1000 }, referencePrice: 505 }, 'referencePrice'],
    [{ priceBand: { min: 100, max: 1000 }, referencePrice: 1001 }, 'referencePrice'],
  ])('rejects %j at %s', (change, path) => {
    expect(pathsOf(Instrument.safeParse({ ...PETR4, ...change }))).toContain(path);
  });
});

describe('OrderCommand', () => {
  it('accepts every command type', () => {
    for (const command of validCommands()) expect(OrderCommand.parse(command)).toEqual(command);
  });

  it.each([
    [{ price: null }, 'price'],
    [{ orderType: 'market' as const, timeInForce: 'IOC' as const }, 'price'],
    [{ orderType: 'market' as const, price: null }, 'timeInForce'],
    [{ orderType: 'stop_limit' as const }, 'stopPrice'],
    [{ stopPrice: 100 }, 'stopPrice'],
    [{ trailingOffset: 10 }, 'trailingOffset'],
    [{ orderType: 'stop_market' as const, price: null, stopPrice: 1, timeInForce: 'IOC' as const }, 'timeInForce'],
    [{ postOnly: true, timeInForce: 'IOC' as const }, 'postOnly'],
    [{ quantity: 0 }, 'quantity'],
    [{ quantity: 1.5 }, 'quantity'],
    [{ price: -5 }, 'price'],
    [{ price: 2 ** 53 }, 'price'],
    [{ side: 'short' as never }, 'side'],
    [{ timeInForce: 'GTX' as never }, 'timeInForce'],
    [{ timeInForce: 'GTD' as const }, 'expiresOn'],
    [{ expiresOn: '2026-12-31' }, 'expiresOn'],
    [{ timeInForce: 'GTD' as const, expiresOn: '2026-13-01' }, 'expiresOn'],
    [
      { orderType: 'market' as const, price: null, timeInForce: 'GTD' as const, expiresOn: '2026-12-31' },
      'timeInForce',
    ],
    [{ selfTradePrevention: 'none' as never }, 'selfTradePrevention'],
    [{ traceId: 'nope' }, 'traceId'],
    [{ schemaVersion: 2 as never }, 'schemaVersion'],
    [{ accountId: 'x' }, 'accountId'],
    [{ protectionPrice: 3_600 }, 'protectionPrice'],
    [{ orderType: 'market' as const, price: null, timeInForce: 'IOC' as const, protectionPrice: 0 }, 'protectionPrice'],
  ])('rejects a place_order with %j at %s', (change, path) => {
    expect(pathsOf(OrderCommand.safeParse(limitBuy(change)))).toContain(path);
  });

  it('accepts a GTD order with the day it is good till, a stop too', () => {
    expect(OrderCommand.safeParse(limitBuy({ timeInForce: 'GTD', expiresOn: '2026-12-31' })).success).toBe(true);
    const stop = limitBuy({ orderType: 'stop_limit', stopPrice: 3_500, timeInForce: 'GTD', expiresOn: '2026-12-31' });
    expect(OrderCommand.safeParse(stop).success).toBe(true);
  });

  it('accepts a market order with or without a protection price', () => {
    const market = limitBuy({ orderType: 'market', price: null, timeInForce: 'IOC' });
    expect(OrderCommand.safeParse({ ...market, protectionPrice: 3_900 }).success).toBe(true);
    expect(OrderCommand.safeParse({ ...market, protectionPrice: null }).success).toBe(true);
    expect(OrderCommand.safeParse(market).success).toBe(true);
  });

  it('rejects an amend that changes nothing and an unknown command type', () => {
    const amend = { ...envelope, type: 'amend_order', accountId: ACCOUNT, clientOrderId: null, orderId: ORDER };
    expect(pathsOf(OrderCommand.safeParse({ ...amend, price: null, quantity: null }))).toContain('quantity');
    expect(OrderCommand.safeParse({ ...envelope, type: 'halt' }).success).toBe(false);
  });
});

describe('EngineEvent', () => {
  it('accepts every event type', () => {
    for (const event of validEvents()) expect(EngineEvent.parse(event)).toEqual(event);
  });

  it('rejects each event with its sequence missing or zero', () => {
    for (const event of validEvents()) {
      expect(EngineEvent.safeParse({ ...event, sequence: 0 }).success).toBe(false);
      const { sequence: _dropped, ...withoutSequence } = event;
      expect(EngineEvent.safeParse(withoutSequence).success).toBe(false);
    }
  });

  it.each([
    ['trade', { quantity: 0 }, 'quantity'],
    ['trade', { tradeId: 'trade-1' }, 'tradeId'],
    ['trade', { aggressorSide: 'both' }, 'aggressorSide'],
    ['order_rejected', { reason: 'because' }, 'reason'],
    ['order_cancelled', { reason: 'bored' }, 'reason'],
    ['order_cancelled', { cancelledQuantity: 0 }, 'cancelledQuantity'],
    ['order_updated', { change: 'other' }, 'change'],
    ['level_changed', { quantity: -1 }, 'quantity'],
    ['stop_triggered', { stopPrice: null }, 'stopPrice'],
  ])('rejects a %s with %j at %s', (type, change, path) => {
    const event = validEvents().find((candidate) => candidate.type === type);
    expect(pathsOf(EngineEvent.safeParse({ ...event, ...change }))).toContain(path);
  });
});

describe('instrument lists', () => {
  it('ships valid defaults and refuses duplicates or an empty list', async () => {
    const { DEFAULT_INSTRUMENTS, InstrumentList } = await import('../src/index.js');
    expect(InstrumentList.parse(DEFAULT_INSTRUMENTS).map((i) => i.symbol)).toEqual([
      'PETR4',
      'VALE3',
      'ITUB4',
      'BBDC4',
      'ABEV3',
    ]);
    expect(InstrumentList.safeParse([]).success).toBe(false);
    expect(InstrumentList.safeParse([PETR4, PETR4]).success).toBe(false);
  });
});
