import type { MyTradeView } from '@bolsa/contracts';
import { centsOf } from './format';

/** What an order's fills add up to, in cents and shares. */
export interface FillsSummary {
  readonly quantity: number;
  readonly notional: number;
  readonly fees: number;
  /** The volume-weighted price, to the nearest cent (half a cent up); null with no fill. */
  readonly averagePrice: number | null;
}

/** One order's fills (`GET /api/me/trades?orderId=`) summed: shares, price × quantity, fees, average price. */
export function summarizeFills(fills: readonly MyTradeView[]): FillsSummary {
  let quantity = 0;
  let notional = 0;
  let fees = 0;
  for (const fill of fills) {
    quantity += Number(fill.quantity);
    notional += centsOf(fill.notional) ?? 0;
    fees += centsOf(fill.fee) ?? 0;
  }
  return { quantity, notional, fees, averagePrice: quantity === 0 ? null : Math.round(notional / quantity) };
}
