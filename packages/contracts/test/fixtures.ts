import type { EngineEvent, Instrument, OrderCommand, PlaceOrderCommand } from '../src/index.js';

export const ACCOUNT = '0b0f4b1e-6f54-4c8e-9a51-3f1c2f8d9a01';
export const OTHER_ACCOUNT = '5d1c7a62-0c2f-4d8e-8f3e-6b7a9c1d2e03';
export const ORDER = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
export const OTHER_ORDER = '9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
export const COMMAND = '3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7';
export const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

export const PETR4: Instrument = {
  symbol: 'PETR4',
  name: 'Petrobras PN',
  currency: 'BRL',
  tickSize: 1,
  lotSize: 1,
  priceBand: { min: 100, max: 100_000 },
};

export const envelope = {
  schemaVersion: 1 as const,
  commandId: COMMAND,
  symbol: 'PETR4',
  traceId: TRACE,
  timestamp: 1_763_700_000_000,
};

export function limitBuy(overrides: Partial<PlaceOrderCommand> = {}): PlaceOrderCommand {
  return {
    ...envelope,
    type: 'place_order',
    accountId: ACCOUNT,
    clientOrderId: 'my-1',
    orderId: ORDER,
    side: 'buy',
    orderType: 'limit',
    timeInForce: 'GTC',
    price: 3_512,
    stopPrice: null,
    trailingOffset: null,
    quantity: 100,
    postOnly: false,
    selfTradePrevention: 'cancel_newest',
    ...overrides,
  };
}

export function validCommands(): OrderCommand[] {
  return [
    limitBuy(),
    limitBuy({ orderType: 'market', price: null, timeInForce: 'IOC' }),
    limitBuy({ orderType: 'market', price: null, timeInForce: 'FOK', side: 'sell' }),
    limitBuy({ orderType: 'stop_limit', stopPrice: 3_500 }),
    limitBuy({ orderType: 'stop_market', price: null, stopPrice: 3_500, timeInForce: 'DAY' }),
    limitBuy({ orderType: 'stop_market', price: null, stopPrice: 3_500, trailingOffset: 20 }),
    limitBuy({ postOnly: true, timeInForce: 'DAY', clientOrderId: null }),
    { ...envelope, type: 'cancel_order', accountId: ACCOUNT, clientOrderId: null, orderId: ORDER },
    {
      ...envelope,
      type: 'amend_order',
      accountId: ACCOUNT,
      clientOrderId: 'x',
      orderId: ORDER,
      price: 3_600,
      quantity: null,
    },
    {
      ...envelope,
      type: 'amend_order',
      accountId: ACCOUNT,
      clientOrderId: 'x',
      orderId: ORDER,
      price: null,
      quantity: 50,
    },
    { ...envelope, type: 'end_of_day' },
    { ...envelope, type: 'halt_trading' },
    { ...envelope, type: 'resume_trading' },
  ];
}

const eventEnvelope = { ...envelope, sequence: 1 };

export function validEvents(): EngineEvent[] {
  const order = { orderId: ORDER, accountId: ACCOUNT };
  return [
    {
      ...eventEnvelope,
      ...order,
      type: 'order_accepted',
      clientOrderId: null,
      side: 'sell',
      orderType: 'limit',
      timeInForce: 'GTC',
      price: 3_512,
      stopPrice: null,
      trailingOffset: null,
      quantity: 10,
      postOnly: false,
      selfTradePrevention: 'cancel_both',
    },
    {
      ...eventEnvelope,
      ...order,
      type: 'order_rejected',
      clientOrderId: 'c1',
      commandType: 'cancel_order',
      reason: 'unknown_order',
      message: 'no live order with that id',
    },
    {
      ...eventEnvelope,
      type: 'trade',
      tradeId: 'PETR4-1',
      price: 3_512,
      quantity: 10,
      aggressorSide: 'buy',
      makerOrderId: ORDER,
      makerAccountId: ACCOUNT,
      takerOrderId: OTHER_ORDER,
      takerAccountId: OTHER_ACCOUNT,
      auction: false,
    },
    {
      ...eventEnvelope,
      ...order,
      type: 'order_updated',
      change: 'partially_filled',
      price: 3_512,
      stopPrice: null,
      quantity: 10,
      filledQuantity: 4,
      remainingQuantity: 6,
    },
    { ...eventEnvelope, ...order, type: 'order_filled', filledQuantity: 10 },
    {
      ...eventEnvelope,
      ...order,
      type: 'order_cancelled',
      reason: 'requested',
      filledQuantity: 0,
      cancelledQuantity: 10,
    },
    { ...eventEnvelope, ...order, type: 'order_expired', filledQuantity: 3, expiredQuantity: 7 },
    { ...eventEnvelope, ...order, type: 'stop_triggered', stopPrice: 3_500, lastTradePrice: 3_499 },
    { ...eventEnvelope, type: 'level_changed', side: 'buy', price: 3_512, quantity: 0, orderCount: 0 },
  ];
}
