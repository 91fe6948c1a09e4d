import type { OrderTimelineEntry } from '@bolsa/contracts';
import { formatBRL, formatDay, formatPrice, formatQuantity } from './format';
import { reasonText } from './order-status';

/** "10 a R$ 15,00", "5 a mercado", with a stop's trigger and a trailing stop's distance when it has them. */
function termsText(entry: Extract<OrderTimelineEntry, { kind: 'accepted' | 'amended' }>): string {
  const parts = [`${formatQuantity(entry.quantity)} a ${entry.price === null ? 'mercado' : formatBRL(entry.price)}`];
  if (entry.stopPrice !== null) parts.push(`disparo ${formatPrice(entry.stopPrice)}`);
  if (entry.trailingOffset !== null) parts.push(`stop móvel a ${formatPrice(entry.trailingOffset)}`);
  if (entry.kind === 'amended' && entry.expiresOn !== undefined) {
    parts.push(`válida até ${formatDay(entry.expiresOn)}`);
  }
  return parts.join(', ');
}

const REFUSED = {
  place_order: 'Rejeitada pela bolsa',
  cancel_order: 'Cancelamento recusado',
  amend_order: 'Alteração recusada',
} as const;

/** One step of an order's life as the trader reads it: "Execução: 3 a R$ 15,00 (passiva), taxa R$ 0,01". */
export function timelineText(entry: OrderTimelineEntry): string {
  switch (entry.kind) {
    case 'received':
      return 'Registrada e enviada à bolsa';
    case 'accepted':
      return `Aceita pela bolsa: ${termsText(entry)}`;
    case 'fill':
      return (
        `Execução: ${formatQuantity(entry.quantity)} a ${formatBRL(entry.price)} ` +
        `(${entry.role === 'maker' ? 'passiva' : 'agressora'}), taxa ${formatBRL(entry.fee)}`
      );
    case 'amended':
      return `Alterada: ${termsText(entry)}`;
    case 'stop_moved':
      return `Disparo seguiu o mercado: ${formatPrice(entry.stopPrice)}`;
    case 'decremented':
      return `Reduzida por autonegociação: ${formatQuantity(entry.remainingQuantity)} restantes`;
    case 'stop_triggered':
      return `Disparada: negócio a ${formatPrice(entry.lastTradePrice)} (disparo ${formatPrice(entry.stopPrice)})`;
    case 'filled':
      return 'Executada totalmente';
    case 'cancelled':
      return `Cancelada (${reasonText('cancelled', entry.reason) ?? entry.reason}): ${formatQuantity(entry.quantity)} não executadas`;
    case 'expired':
      return `Expirada no fim do pregão: ${formatQuantity(entry.quantity)} não executadas`;
    case 'rejected':
      return `${REFUSED[entry.command]}: ${reasonText('rejected', entry.reason) ?? entry.message}`;
  }
}
