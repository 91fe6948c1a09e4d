import {
  formatCents,
  formatQuantity,
  type OrderStatus,
  type OrderType,
  type OrderView,
  type Side,
  type TimeInForce,
} from '@bolsa/contracts';
import type { Order } from '../generated/prisma/client.js';

const cents = (value: bigint | null): string | null => (value === null ? null : formatCents(Number(value)));

export function toOrderView(order: Order): OrderView {
  return {
    orderId: order.id,
    accountId: order.accountId,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side as Side,
    type: order.type as OrderType,
    timeInForce: order.timeInForce as TimeInForce,
    price: cents(order.price),
    stopPrice: cents(order.stopPrice),
    quantity: formatQuantity(Number(order.quantity)),
    filledQuantity: formatQuantity(Number(order.filledQuantity)),
    status: order.status as OrderStatus,
    statusReason: order.statusReason,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

export const OPEN_STATUSES: readonly OrderStatus[] = ['pending', 'open', 'partially_filled'];
export const DONE_STATUSES: readonly OrderStatus[] = ['filled', 'cancelled', 'expired', 'rejected'];
