import type { CancelReason, OrderStatus, RejectReason } from '@bolsa/contracts';

const STATUS: Record<OrderStatus, string> = {
  pending: 'enviada',
  open: 'aberta',
  partially_filled: 'parcial',
  filled: 'executada',
  cancelled: 'cancelada',
  expired: 'expirada',
  rejected: 'rejeitada',
};

/**
 * Why the exchange refused an order; `not_submitted` is the API's own, on orders recorded by versions that gave up
 * on an order whose first send failed (they are re-sent now).
 */
const REJECTED: Record<RejectReason | 'not_submitted', string> = {
  invalid_order: 'campos inconsistentes',
  unknown_symbol: 'ativo desconhecido',
  off_tick: 'preço fora do tick',
  off_lot: 'quantidade fora do lote',
  price_out_of_band: 'preço fora do túnel',
  duplicate_order_id: 'ordem duplicada',
  unknown_order: 'ordem desconhecida',
  not_order_owner: 'ordem de outra conta',
  post_only_would_take: 'post-only executaria na hora',
  not_amendable: 'alteração não permitida',
  quantity_below_filled: 'quantidade abaixo do executado',
  stale_command: 'chegou tarde à bolsa',
  trading_halted: 'negociação suspensa',
  market_closed: 'pregão encerrado antes de chegar à bolsa',
  auction_call: 'não aceita em leilão',
  quantity_over_limit: 'quantidade acima do máximo por ordem',
  not_submitted: 'bolsa indisponível',
};

const CANCELLED: Record<CancelReason, string> = {
  requested: 'a pedido',
  immediate_or_cancel: 'IOC, restante cancelado',
  fill_or_kill: 'FOK sem execução total',
  no_liquidity: 'sem liquidez',
  self_trade_prevention: 'autonegociação',
  account_suspended: 'conta suspensa pela bolsa',
};

const EXPIRED: Record<string, string> = { end_of_day: 'fim do pregão' };

/** Why an order was rejected, cancelled or expired, as the trader reads it ("sem liquidez"); undefined if unknown. */
export function reasonText(status: string, reason: string | null): string | undefined {
  const reasons: Record<string, string> =
    status === 'rejected' ? REJECTED : status === 'cancelled' ? CANCELLED : status === 'expired' ? EXPIRED : {};
  return reason === null ? undefined : reasons[reason];
}

/** An order's status as the trader reads it, with why it ended where the API says: "cancelada (sem liquidez)". */
export function orderStatusText(status: string, reason: string | null): string {
  const text = STATUS[status as OrderStatus] ?? status;
  const why = reasonText(status, reason);
  return why === undefined ? text : `${text} (${why})`;
}
