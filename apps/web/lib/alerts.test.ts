import type { PriceAlertView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { alertNoticeText, alertState, alertText, newlySetOff } from './alerts';

const waiting: PriceAlertView = {
  id: '00000000-0000-4000-8000-000000000001',
  symbol: 'PETR4',
  condition: 'at_or_above',
  price: '42.00',
  createdAt: '2026-12-07T13:00:00.000Z',
  triggeredAt: null,
  triggerPrice: null,
};
const setOff: PriceAlertView = { ...waiting, triggeredAt: '2026-12-07T14:05:00.000Z', triggerPrice: '42.10' };
const other: PriceAlertView = { ...waiting, id: '00000000-0000-4000-8000-000000000002', condition: 'at_or_below' };

describe('price alerts', () => {
  it('say what they wait for, and when and at what they went off', () => {
    expect(alertText(waiting)).toBe('PETR4 sobe a R$\u00a042,00');
    expect(alertText(other)).toBe('PETR4 cai a R$\u00a042,00');
    expect(alertState(waiting)).toBe('aguardando');
    expect(alertState(setOff)).toMatch(/^disparado às \d\d:05:00 \(R\$\u00a042,10\)$/);
    expect(alertNoticeText(setOff)).toBe('Alerta: PETR4 negociado a R$\u00a042,10 (sobe a R$\u00a042,00)');
  });

  it('tell those that went off since the last list, and none from the first list', () => {
    expect(newlySetOff(null, [setOff])).toEqual([]);
    expect(newlySetOff([waiting, other], [setOff, other])).toEqual([setOff]);
    // Already set off before: not again. Created since: not in the list before, so not new.
    expect(newlySetOff([setOff], [setOff])).toEqual([]);
    expect(newlySetOff([], [setOff])).toEqual([]);
  });
});
