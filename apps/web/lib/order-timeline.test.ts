import type { OrderTimelineEntry } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { timelineText } from './order-timeline';

const step = { sequence: 7, at: '2026-12-03T13:00:00.000Z' };
const nbsp = (text: string) => text.replaceAll('\u00a0', ' ');

describe('timelineText', () => {
  it.each<[OrderTimelineEntry, string]>([
    [{ ...step, kind: 'received' }, 'Registrada e enviada à bolsa'],
    [
      { ...step, kind: 'accepted', price: '15.00', stopPrice: null, trailingOffset: null, quantity: '10' },
      'Aceita pela bolsa: 10 a R$ 15,00',
    ],
    [
      { ...step, kind: 'accepted', price: null, stopPrice: '12.00', trailingOffset: '0.50', quantity: '5' },
      'Aceita pela bolsa: 5 a mercado, disparo 12,00, stop móvel a 0,50',
    ],
    [
      { ...step, kind: 'fill', tradeId: 'PETR4-3', price: '15.00', quantity: '3', fee: '0.01', role: 'maker' },
      'Execução: 3 a R$ 15,00 (passiva), taxa R$ 0,01',
    ],
    [
      { ...step, kind: 'fill', tradeId: 'PETR4-4', price: '12.10', quantity: '1000', fee: '3.63', role: 'taker' },
      'Execução: 1.000 a R$ 12,10 (agressora), taxa R$ 3,63',
    ],
    [
      { ...step, kind: 'amended', price: '15.10', stopPrice: null, trailingOffset: null, quantity: '9' },
      'Alterada: 9 a R$ 15,10',
    ],
    [
      {
        ...step,
        kind: 'amended',
        price: '15.10',
        stopPrice: null,
        trailingOffset: null,
        quantity: '9',
        expiresOn: '2026-12-18',
      },
      'Alterada: 9 a R$ 15,10, válida até 18/12/2026',
    ],
    [{ ...step, kind: 'stop_moved', stopPrice: '30.00', price: null }, 'Disparo seguiu o mercado: 30,00'],
    [
      { ...step, kind: 'decremented', quantity: '6', remainingQuantity: '2' },
      'Reduzida por autonegociação: 2 restantes',
    ],
    [
      { ...step, kind: 'stop_triggered', stopPrice: '12.00', lastTradePrice: '11.98' },
      'Disparada: negócio a 11,98 (disparo 12,00)',
    ],
    [{ ...step, kind: 'filled' }, 'Executada totalmente'],
    [{ ...step, kind: 'cancelled', reason: 'requested', quantity: '2' }, 'Cancelada (a pedido): 2 não executadas'],
    [
      { ...step, kind: 'cancelled', reason: 'no_liquidity', quantity: '40' },
      'Cancelada (sem liquidez): 40 não executadas',
    ],
    [{ ...step, kind: 'expired', quantity: '6' }, 'Expirada no fim do pregão: 6 não executadas'],
    [
      { ...step, kind: 'rejected', command: 'place_order', reason: 'post_only_would_take', message: 'm' },
      'Rejeitada pela bolsa: post-only executaria na hora',
    ],
    [
      { ...step, kind: 'rejected', command: 'amend_order', reason: 'stale_command', message: 'm' },
      'Alteração recusada: chegou tarde à bolsa',
    ],
    [
      { ...step, kind: 'rejected', command: 'cancel_order', reason: 'unknown_order', message: 'm' },
      'Cancelamento recusado: ordem desconhecida',
    ],
  ])('%j', (entry, text) => {
    expect(nbsp(timelineText(entry))).toBe(text);
  });
});
