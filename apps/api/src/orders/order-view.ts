import {
  formatCents,
  formatQuantity,
  type OrderStatus,
  type OrderType,
  type OrderView,
  type Side,
  type TimeInForce,
} from '@bolsa/contracts';

/** The fields of an order in integer units, whichever way it was read. */
interface OrderFields {
  readonly id: string;
  readonly accountId: string;
  readonly clientOrderId: string | null;
  readonly symbol: string;
  readonly side: string;
  readonly type: string;
  readonly timeInForce: string;
  readonly expiresOn: string | null;
  readonly price: bigint | string | null;
  readonly stopPrice: bigint | string | null;
  readonly trailingOffset: bigint | string | null;
  readonly protectionPrice: bigint | string | null;
  readonly quantity: bigint | string;
  readonly filledQuantity: bigint | string;
  readonly filledValue: bigint | string;
  readonly status: string;
  readonly statusReason: string | null;
  readonly amendsSent: number;
  readonly amendsAnswered: number;
  readonly triggeredAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The volume-weighted price of the fills, to the nearest cent, half a cent up; null before the first. */
export function averagePrice(filledValue: bigint, filledQuantity: bigint): string | null {
  if (filledQuantity === 0n) return null;
  return formatCents((2n * filledValue + filledQuantity) / (2n * filledQuantity));
}

/** The one place an order becomes its client-facing view: decimal strings, ISO times. */
function orderView(order: OrderFields): OrderView {
  const cents = (value: bigint | string | null) => (value === null ? null : formatCents(Number(value)));
  return {
    orderId: order.id,
    accountId: order.accountId,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side as Side,
    type: order.type as OrderType,
    timeInForce: order.timeInForce as TimeInForce,
    expiresOn: order.expiresOn,
    price: cents(order.price),
    stopPrice: cents(order.stopPrice),
    trailingOffset: cents(order.trailingOffset),
    protectionPrice: cents(order.protectionPrice),
    quantity: formatQuantity(Number(order.quantity)),
    filledQuantity: formatQuantity(Number(order.filledQuantity)),
    filledValue: formatCents(BigInt(order.filledValue)),
    averagePrice: averagePrice(BigInt(order.filledValue), BigInt(order.filledQuantity)),
    status: order.status as OrderStatus,
    statusReason: order.statusReason,
    amendPending: order.amendsAnswered < order.amendsSent,
    triggeredAt: order.triggeredAt?.toISOString() ?? null,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

/** A row of the orders table as plain pg returns it (snake_case, BIGINT as string). */
export interface OrderRow {
  id: string;
  account_id: string;
  client_order_id: string | null;
  symbol: string;
  side: string;
  type: string;
  time_in_force: string;
  /** A GTD order's last trading day, `YYYY-MM-DD` (SqlPool reads dates as text). */
  expires_on: string | null;
  price: string | null;
  stop_price: string | null;
  trailing_offset: string | null;
  protection_price: string | null;
  quantity: string;
  filled_quantity: string;
  filled_value: string;
  status: string;
  status_reason: string | null;
  amends_sent: number;
  amends_answered: number;
  /** Sequence of the last engine event applied to the order (none of its fills comes after it). */
  last_sequence: number;
  triggered_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** An order read through plain pg. */
export function rowToOrderView(row: OrderRow): OrderView {
  return orderView({
    id: row.id,
    accountId: row.account_id,
    clientOrderId: row.client_order_id,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    timeInForce: row.time_in_force,
    expiresOn: row.expires_on,
    price: row.price,
    stopPrice: row.stop_price,
    trailingOffset: row.trailing_offset,
    protectionPrice: row.protection_price,
    quantity: row.quantity,
    filledQuantity: row.filled_quantity,
    filledValue: row.filled_value,
    status: row.status,
    statusReason: row.status_reason,
    amendsSent: row.amends_sent,
    amendsAnswered: row.amends_answered,
    triggeredAt: row.triggered_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
