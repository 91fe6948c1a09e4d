import type { AdminActionView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { adminActionAuthor, adminActionText } from './admin-actions';

const base: AdminActionView = {
  id: '1',
  action: 'halt',
  at: '2026-12-04T17:00:00.000Z',
  by: { accountId: '00000000-0000-4000-8000-000000000002', name: 'Ana' },
  symbol: 'VALE3',
  account: null,
  reason: null,
  traceId: 'a'.repeat(32),
};
const trader = { accountId: '00000000-0000-4000-8000-000000000003', name: 'Bruno' };

describe("the administrators' log in words", () => {
  it('says what was done, to what, and why', () => {
    expect(adminActionText(base)).toBe('Suspendeu a negociação de VALE3');
    expect(adminActionText({ ...base, reason: 'fato relevante' })).toBe(
      'Suspendeu a negociação de VALE3: fato relevante',
    );
    expect(adminActionText({ ...base, action: 'resume' })).toBe('Retomou a negociação de VALE3');
    expect(adminActionText({ ...base, action: 'end_of_day', symbol: null })).toBe(
      'Encerrou o pregão (ordens do dia expiradas)',
    );
    const suspension = { ...base, action: 'suspend' as const, symbol: null, account: trader, reason: 'fraude' };
    expect(adminActionText(suspension)).toBe('Suspendeu a conta de Bruno: fraude');
    expect(adminActionText({ ...suspension, action: 'reinstate', reason: null })).toBe('Reativou a conta de Bruno');
    expect(adminActionText({ ...suspension, action: 'revoke_key', reason: 'chave vazada' })).toBe(
      'Revogou uma chave de API de Bruno: chave vazada',
    );
    expect(adminActionText({ ...suspension, action: 'end_sessions', reason: 'cookie roubado' })).toBe(
      'Encerrou as sessões de Bruno: cookie roubado',
    );
  });

  it('names the administrator, or the clock for a close nobody asked for', () => {
    expect(adminActionAuthor(base)).toBe('Ana');
    expect(adminActionAuthor({ ...base, action: 'end_of_day', by: null })).toBe('relógio da bolsa');
  });
});
