import type { FillView, OrderEventView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import {
  addFills,
  addOrderEvents,
  addStops,
  addStreamEvents,
  liveNotices,
  NOTICE_MS,
  noticeText,
  noticeTone,
} from './notices';

const ORDER = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const OTHER = '9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

function fill(orderId: string, price: string, quantity: string, side: 'buy' | 'sell' = 'buy'): FillView {
  return {
    tradeId: `PETR4-${price}-${quantity}`,
    symbol: 'PETR4',
    price,
    quantity,
    aggressorSide: 'buy',
    executedAt: '2026-12-02T15:00:00.000Z',
    sequence: 1,
    orderId,
    side,
    role: 'taker',
  };
}

describe('notices', () => {
  it('say what traded, at what price', () => {
    const [notice] = addFills([], [fill(ORDER, '38.00', '10')], 0);
    expect(noticeText(notice!)).toBe('Compra executada: 10 PETR4 a R$\u00a038,00');
    const [sale] = addFills([], [fill(ORDER, '38.00', '1000', 'sell'), fill(ORDER, '38.00', '500', 'sell')], 0);
    expect(noticeText(sale!)).toBe('Venda executada: 1.500 PETR4 a R$\u00a038,00');
  });

  it("sum an order's fills into one notice at their average price, which moves to the front", () => {
    let notices = addFills([], [fill(ORDER, '38.00', '10'), fill(OTHER, '40.00', '1', 'sell')], 0);
    notices = addFills(notices, [fill(ORDER, '38.03', '20')], 1_000);
    expect(notices.map((notice) => notice.orderId)).toEqual([ORDER, OTHER]);
    // (380.00 + 760.60) / 30 = 38.02
    expect(noticeText(notices[0]!)).toBe('Compra executada: 30 PETR4 a R$\u00a038,02 em média');
    expect(notices[0]!.shownAt).toBe(1_000);
  });

  it('keep the three latest orders and fade a while after their last fill', () => {
    const ids = ['a', 'b', 'c', 'd'].map((letter) => `${letter.repeat(8)}-0000-4000-8000-000000000000`);
    const notices = addFills(
      [],
      ids.map((id) => fill(id, '38.00', '1')),
      0,
    );
    expect(notices.map((notice) => notice.orderId)).toEqual([ids[3], ids[2], ids[1]]);
    expect(liveNotices(notices, NOTICE_MS - 1)).toHaveLength(3);
    expect(liveNotices(notices, NOTICE_MS)).toEqual([]);
  });

  it("tell of orders the exchange refused or cut short, not of the trader's own cancels", () => {
    const event = (change: OrderEventView['change'], reason: string | null, filled: string | null): OrderEventView => ({
      change,
      orderId: ORDER,
      symbol: 'ABEV3',
      sequence: 7,
      status: change === 'order_rejected' ? 'rejected' : 'cancelled',
      quantity: '10',
      filledQuantity: filled,
      price: null,
      reason,
    });
    const texts = (events: OrderEventView[]) => addOrderEvents([], events, 0).map(noticeText);
    expect(texts([event('order_rejected', 'post_only_would_take', null)])).toEqual([
      'Ordem ABEV3 rejeitada (post-only executaria na hora)',
    ]);
    expect(texts([event('order_cancelled', 'no_liquidity', '0')])).toEqual(['Ordem ABEV3 cancelada (sem liquidez)']);
    expect(texts([event('order_cancelled', 'no_liquidity', '4')])).toEqual([
      'Ordem ABEV3: 4 executadas, restante cancelado (sem liquidez)',
    ]);
    expect(texts([event('order_cancelled', 'requested', '0'), event('order_filled', null, '10')])).toEqual([]);
    // Beside the order's execution notice, not instead of it.
    const both = addOrderEvents(
      addFills([], [fill(ORDER, '13.00', '4')], 0),
      [event('order_cancelled', 'no_liquidity', '4')],
      0,
    );
    expect(both.map(noticeTone)).toEqual(['warning', 'buy']);
  });

  it('tell of a stop order that fired, at which trade', () => {
    const stop = { orderId: ORDER, symbol: 'PETR4', sequence: 3, stopPrice: '37.60', lastTradePrice: '37.50' };
    const notices = addStops([], [stop], 0);
    expect(notices.map(noticeText)).toEqual(['Stop PETR4 disparado: negócio a R$\u00a037,50 (disparo R$\u00a037,60)']);
    expect(notices.map(noticeTone)).toEqual(['info']);
  });

  it('tell of an amend the exchange refused, from the stream, in words', () => {
    const refused = {
      orderId: ORDER,
      symbol: 'VALE3',
      sequence: 9,
      reason: 'quantity_below_filled' as const,
      message: 'quantity is below what has filled',
    };
    const notices = addStreamEvents([], [{ kind: 'amend_rejected', data: refused }], 0);
    expect(notices.map(noticeText)).toEqual(['Alteração da ordem VALE3 recusada (quantidade abaixo do executado)']);
    const unchanged = { ...refused, reason: 'invalid_order' as const };
    expect(addStreamEvents([], [{ kind: 'amend_rejected', data: unchanged }], 0).map(noticeText)).toEqual([
      'Alteração da ordem VALE3 recusada (a ordem já está assim)',
    ]);
    const withdrawn = { ...refused, reason: 'stale_command' as const };
    expect(addStreamEvents([], [{ kind: 'amend_rejected', data: withdrawn }], 0).map(noticeText)).toEqual([
      'Alteração da ordem VALE3 recusada (não chegou à bolsa a tempo; a ordem segue como estava)',
    ]);
    expect(notices.map(noticeTone)).toEqual(['warning']);
  });

  it('take a batch of stream events in the order they came, and leave a batch with nothing to tell as it was', () => {
    const stop = { orderId: OTHER, symbol: 'PETR4', sequence: 3, stopPrice: '37.60', lastTradePrice: '37.50' };
    const notices = addStreamEvents(
      [],
      [
        { kind: 'stop', data: stop },
        { kind: 'fill', data: fill(OTHER, '37.50', '2', 'sell') },
        { kind: 'wallet', data: {} },
      ],
      0,
    );
    expect(notices.map(noticeTone)).toEqual(['sell', 'info']);
    expect(addStreamEvents(notices, [{ kind: 'wallet', data: {} }], 1)).toBe(notices);
  });
});
