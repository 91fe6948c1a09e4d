import type { FillView, Side } from '@bolsa/contracts';
import { centsOf, formatBRL, formatQuantity } from './format';

/** What the trader is told when their orders trade: one notice per order, its fills summed. */
export interface FillNotice {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: number;
  /** Σ price × quantity of the fills, in cents: the average price is notional / quantity. */
  readonly notional: number;
  /** Whether the fills were at more than one price (the notice then gives their average). */
  readonly severalPrices: boolean;
  readonly lastPrice: number;
  /** When the last fill arrived, by the browser's clock (notices fade some seconds after it). */
  readonly shownAt: number;
}

export const NOTICE_MS = 6_000;
const MAX_NOTICES = 3;

/** Adds fills to the notices: an order's later fills join its notice, which moves to the front. */
export function addFills(notices: readonly FillNotice[], fills: readonly FillView[], now: number): FillNotice[] {
  let next = [...notices];
  for (const fill of fills) {
    const price = centsOf(fill.price);
    const quantity = Number(fill.quantity);
    if (price === null || !Number.isFinite(quantity)) continue;
    const earlier = next.find((notice) => notice.orderId === fill.orderId);
    const notice: FillNotice = {
      orderId: fill.orderId,
      symbol: fill.symbol,
      side: fill.side,
      quantity: (earlier?.quantity ?? 0) + quantity,
      notional: (earlier?.notional ?? 0) + price * quantity,
      severalPrices: earlier !== undefined && (earlier.severalPrices || earlier.lastPrice !== price),
      lastPrice: price,
      shownAt: now,
    };
    next = [notice, ...next.filter((other) => other.orderId !== fill.orderId)];
  }
  return next.slice(0, MAX_NOTICES);
}

/** The notices still to show at `now`. */
export function liveNotices(notices: readonly FillNotice[], now: number): FillNotice[] {
  return notices.filter((notice) => now - notice.shownAt < NOTICE_MS);
}

/** "Compra executada: 10 PETR4 a R$ 38,00"; with fills at several prices, their average rounded to the cent. */
export function noticeText(notice: FillNotice): string {
  const what = notice.side === 'buy' ? 'Compra executada' : 'Venda executada';
  const average = Math.round(notice.notional / notice.quantity);
  const price = notice.severalPrices ? `${formatBRL(average)} em média` : formatBRL(average);
  return `${what}: ${formatQuantity(notice.quantity)} ${notice.symbol} a ${price}`;
}
