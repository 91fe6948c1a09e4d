import { randomUUID } from 'node:crypto';
import type { OrderFields, PlaceOrderCommand } from '@bolsa/contracts';

/** An order as it was recorded: everything its place command says. */
export interface RecordedOrder {
  readonly orderId: string;
  readonly accountId: string;
  readonly symbol: string;
  readonly traceId: string;
  readonly recordedAt: Date;
  readonly fields: OrderFields;
}

/** What every command to the engine starts with. */
export function commandEnvelope(symbol: string, traceId: string, timestamp: number) {
  return { schemaVersion: 1 as const, commandId: randomUUID(), symbol, traceId, timestamp };
}

/**
 * The engine's command for a recorded order, the same whenever it is sent but for `sentAt`: its timestamp is the
 * moment the order was recorded, so the engine can tell a re-send from a new order, refuse one sent later than it
 * remembers, and refuse a first placement sent too long after the order was recorded.
 */
export function placeCommand(order: RecordedOrder, sentAt = Date.now()): PlaceOrderCommand {
  const { fields } = order;
  return {
    ...commandEnvelope(order.symbol, order.traceId, order.recordedAt.getTime()),
    type: 'place_order',
    sentAt,
    orderId: order.orderId,
    accountId: order.accountId,
    clientOrderId: fields.clientOrderId,
    side: fields.side,
    orderType: fields.orderType,
    timeInForce: fields.timeInForce,
    price: fields.price,
    stopPrice: fields.stopPrice,
    trailingOffset: fields.trailingOffset,
    quantity: fields.quantity,
    postOnly: fields.postOnly,
    selfTradePrevention: fields.selfTradePrevention,
  };
}
