import type { LedgerEntryView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { describeEntry, entryAmounts, ledgerPath, periodStart, statementCsvPath } from './statement';

let nextId = 1;
const entry = (fields: Partial<LedgerEntryView>): LedgerEntryView => ({
  entryId: String(nextId++),
  asset: 'BRL',
  reason: 'deposit',
  availableChange: '0.00',
  heldChange: '0.00',
  availableAfter: '0.00',
  heldAfter: '0.00',
  orderId: null,
  symbol: null,
  side: null,
  tradeId: null,
  traceId: 't',
  createdAt: '2026-12-02T15:00:00.000Z',
  ...fields,
});

describe('describeEntry', () => {
  it.each([
    [{ reason: 'grant' }, 'Saldo inicial'],
    [{ reason: 'grant', asset: 'PETR4' }, 'Ações iniciais PETR4'],
    [{ reason: 'deposit' }, 'Depósito'],
    [{ reason: 'withdrawal' }, 'Saque'],
    [{ reason: 'trade', symbol: 'PETR4', side: 'buy' }, 'Compra PETR4'],
    [{ reason: 'trade', asset: 'VALE3', symbol: 'VALE3', side: 'sell' }, 'Venda VALE3'],
    [{ reason: 'fee', symbol: 'VALE3', side: 'sell' }, 'Taxa da venda VALE3'],
    [{ reason: 'hold', symbol: 'PETR4', side: 'buy' }, 'Bloqueio para compra PETR4'],
    [{ reason: 'release', symbol: 'PETR4', side: 'buy' }, 'Desbloqueio da compra PETR4'],
    [{ reason: 'fee' }, 'Taxa'],
  ] as const)('%o → %s', (fields, text) => {
    expect(describeEntry(entry(fields))).toBe(text);
  });
});

describe('entryAmounts', () => {
  it('shows how the total changed, what moved into or out of held, and the total after', () => {
    const buy = entry({ reason: 'trade', heldChange: '-99.00', availableAfter: '901.00', heldAfter: '0.50' });
    expect(entryAmounts(buy)).toEqual({ change: '-99,00', held: '-99,00', balance: '901,50', sign: -1 });
    const hold = entry({ reason: 'hold', availableChange: '-1234.50', heldChange: '1234.50', availableAfter: '10.00' });
    expect(entryAmounts(hold)).toMatchObject({ change: '0,00', held: '+1.234,50', sign: 0 });
    const deposit = entry({ availableChange: '10.00', availableAfter: '100010.00' });
    expect(entryAmounts(deposit)).toEqual({ change: '+10,00', held: '', balance: '100.010,00', sign: 1 });
  });

  it('counts shares for a symbol', () => {
    const sale = entry({ asset: 'PETR4', reason: 'trade', heldChange: '-3', availableAfter: '1000', heldAfter: '2' });
    expect(entryAmounts(sale)).toEqual({ change: '-3', held: '-3', balance: '1.002', sign: -1 });
    const bought = entry({ asset: 'PETR4', reason: 'trade', availableChange: '1500', availableAfter: '2500' });
    expect(entryAmounts(bought)).toMatchObject({ change: '+1.500', held: '' });
  });
});

describe('ledgerPath', () => {
  const now = new Date(2026, 11, 2, 15, 30);
  it('asks for the kind’s reasons, the asset and the period', () => {
    const path = ledgerPath({ asset: 'BRL', kind: 'transfers', period: 'today' }, now);
    const query = new URL(path, 'http://x').searchParams;
    expect(query.get('asset')).toBe('BRL');
    expect(query.get('reason')).toBe('deposit,withdrawal');
    expect(new Date(query.get('from')!).getTime()).toBe(new Date(2026, 11, 2).getTime());
    expect(query.get('cursor')).toBeNull();
  });

  it('leaves out what is not limited, and passes the cursor on', () => {
    const query = new URL(ledgerPath({ asset: null, kind: 'all', period: 'all' }, now, 'abc', 20), 'http://x')
      .searchParams;
    expect([...query.keys()].sort()).toEqual(['cursor', 'limit']);
    expect(query.get('limit')).toBe('20');
  });

  it('asks for the same entries as one CSV file, not a page of them', () => {
    const path = statementCsvPath({ asset: 'PETR4', kind: 'transfers', period: 'today' }, now);
    expect(path.startsWith('/api/me/ledger?')).toBe(true);
    const query = new URL(path, 'http://x').searchParams;
    expect(Object.fromEntries(query)).toEqual({
      asset: 'PETR4',
      reason: 'deposit,withdrawal',
      from: new Date(2026, 11, 2).toISOString(),
      format: 'csv',
    });
  });

  it('starts a week six days before today, so that today is the seventh', () => {
    expect(periodStart('week', now)).toEqual(new Date(2026, 10, 26));
    expect(periodStart('month', now)).toEqual(new Date(2026, 10, 3));
  });
});
