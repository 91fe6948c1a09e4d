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

/** A row of the orders table as plain pg returns it (snake_case, BIGINT as string). */
export interface OrderRow {
  id: string;
  account_id: string;
  client_order_id: string | null;
  symbol: string;
  side: string;
  type: string;
  time_in_force: string;
  price: string | null;
  stop_price: string | null;
  quantity: string;
  filled_quantity: string;
  status: string;
  status_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export function rowToOrderView(row: OrderRow): OrderView {
  const cents = (value: string | null) => (value === null ? null : formatCents(Number(value)));
  return {
    orderId: row.id,
    accountId: row.account_id,
    clientOrderId: row.client_order_id,
    symbol: row.symbol,
    side: row.side as Side,
    type: row.type as OrderType,
    timeInForce: row.time_in_force as TimeInForce,
    price: cents(row.price),
    stopPrice: cents(row.stop_price),
    quantity: formatQuantity(Number(row.quantity)),
    filledQuantity: formatQuantity(Number(row.filled_quantity)),
    status: row.status as OrderStatus,
    statusReason: row.status_reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
