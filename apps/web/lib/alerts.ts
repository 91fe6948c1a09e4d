import type { PriceAlertCondition, PriceAlertView } from '@bolsa/contracts';
import { formatBRL, formatTime } from './format';

const CONDITION_TEXT: Readonly<Record<PriceAlertCondition, string>> = {
  at_or_above: 'sobe a',
  at_or_below: 'cai a',
};

/** "PETR4 sobe a R$ 42,00": what the alert waits for. */
export function alertText(alert: Pick<PriceAlertView, 'symbol' | 'condition' | 'price'>): string {
  return `${alert.symbol} ${CONDITION_TEXT[alert.condition]} ${formatBRL(alert.price)}`;
}

/** "aguardando", or "disparado às 14:05 (R$ 42,10)". */
export function alertState(alert: PriceAlertView): string {
  if (alert.triggeredAt === null) return 'aguardando';
  const price = alert.triggerPrice === null ? '' : ` (${formatBRL(alert.triggerPrice)})`;
  return `disparado às ${formatTime(alert.triggeredAt)}${price}`;
}

/** What the notice says when one goes off: "Alerta: PETR4 negociado a R$ 42,10 (sobe a R$ 42,00)". */
export function alertNoticeText(alert: PriceAlertView): string {
  return `Alerta: ${alert.symbol} negociado a ${formatBRL(alert.triggerPrice)} (${CONDITION_TEXT[alert.condition]} ${formatBRL(alert.price)})`;
}

/**
 * The alerts that went off between two lists of them: those waiting in `before` and set off in `after`. Nothing
 * before the first list (`before` null): what went off while the page was away is in the list, not a notice.
 */
export function newlySetOff(
  before: readonly PriceAlertView[] | null,
  after: readonly PriceAlertView[],
): PriceAlertView[] {
  if (before === null) return [];
  const waiting = new Set(before.filter((alert) => alert.triggeredAt === null).map((alert) => alert.id));
  return after.filter((alert) => alert.triggeredAt !== null && waiting.has(alert.id));
}
