import { CancelReason, OrderStatus, RejectReason } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { orderStatusText } from './order-status';

describe('order status text', () => {
  it('names every status, and why an order was rejected, cancelled or expired', () => {
    expect(orderStatusText('open', null)).toBe('aberta');
    expect(orderStatusText('rejected', 'stale_command')).toBe('rejeitada (chegou tarde à bolsa)');
    expect(orderStatusText('rejected', 'not_submitted')).toBe('rejeitada (bolsa indisponível)');
    expect(orderStatusText('rejected', 'trading_halted')).toBe('rejeitada (negociação suspensa)');
    expect(orderStatusText('cancelled', 'requested')).toBe('cancelada (a pedido)');
    expect(orderStatusText('expired', 'end_of_day')).toBe('expirada (fim do pregão)');
    for (const status of OrderStatus.options) expect(orderStatusText(status, null)).not.toBe(status);
    for (const reason of RejectReason.options)
      expect(orderStatusText('rejected', reason)).toMatch(/^rejeitada \(.+\)$/);
    for (const reason of CancelReason.options)
      expect(orderStatusText('cancelled', reason)).toMatch(/^cancelada \(.+\)$/);
  });

  it('shows a reason it does not know as the bare status, and an unknown status as it came', () => {
    expect(orderStatusText('filled', 'requested')).toBe('executada');
    expect(orderStatusText('rejected', 'something_new')).toBe('rejeitada');
    expect(orderStatusText('halted', null)).toBe('halted');
  });
});
