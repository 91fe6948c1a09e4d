import type { LedgerEntryView, LedgerReason } from '@bolsa/contracts';
import { centsOf, formatPrice, formatQuantity } from './format';
import type { Page } from './pages';

/** Which entries the statement lists; holds and releases only move money between available and held. */
export const STATEMENT_KINDS = {
  movements: { label: 'Movimentações', reasons: ['grant', 'deposit', 'withdrawal', 'trade', 'fee'] },
  transfers: { label: 'Depósitos e saques', reasons: ['deposit', 'withdrawal'] },
  trades: { label: 'Negócios e taxas', reasons: ['trade', 'fee'] },
  holds: { label: 'Bloqueios', reasons: ['hold', 'release'] },
  all: { label: 'Tudo', reasons: null },
} as const satisfies Record<string, { label: string; reasons: readonly LedgerReason[] | null }>;
export type StatementKind = keyof typeof STATEMENT_KINDS;

export const STATEMENT_PERIODS = {
  today: 'Hoje',
  week: '7 dias',
  month: '30 dias',
  all: 'Tudo',
} as const;
export type StatementPeriod = keyof typeof STATEMENT_PERIODS;

/** Where a period starts: local midnight today, or that many days before it; null for no limit. */
export function periodStart(period: StatementPeriod, now: Date): Date | null {
  if (period === 'all') return null;
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  midnight.setDate(midnight.getDate() - (period === 'today' ? 0 : period === 'week' ? 6 : 29));
  return midnight;
}

export interface StatementFilter {
  /** "BRL", a symbol, or null for every asset. */
  readonly asset: string | null;
  readonly kind: StatementKind;
  readonly period: StatementPeriod;
}

/** The `GET /api/me/ledger` path for a filter, from `cursor` on. */
export function ledgerPath(filter: StatementFilter, now: Date, cursor: string | null = null, limit = 50): string {
  const query = new URLSearchParams({ limit: String(limit) });
  if (filter.asset !== null) query.set('asset', filter.asset);
  const reasons = STATEMENT_KINDS[filter.kind].reasons;
  if (reasons !== null) query.set('reason', reasons.join(','));
  const from = periodStart(filter.period, now);
  if (from !== null) query.set('from', from.toISOString());
  if (cursor !== null) query.set('cursor', cursor);
  return `/api/me/ledger?${query.toString()}`;
}

/** The statement of a filter as one CSV file: every entry `ledgerPath` pages through. */
export function statementCsvPath(filter: StatementFilter, now: Date): string {
  const url = new URL(ledgerPath(filter, now), 'http://statement');
  url.searchParams.delete('limit');
  url.searchParams.set('format', 'csv');
  return `${url.pathname}?${url.searchParams.toString()}`;
}

const SIDE = { buy: 'compra', sell: 'venda' } as const;

/** What an entry was, as a Brazilian broker's statement says it: "Compra PETR4", "Taxa da venda VALE3". */
export function describeEntry(entry: LedgerEntryView): string {
  const order = entry.side === null ? '' : `${SIDE[entry.side]}${entry.symbol === null ? '' : ` ${entry.symbol}`}`;
  const cash = entry.asset === 'BRL';
  switch (entry.reason) {
    case 'grant':
      return cash ? 'Saldo inicial' : `Ações iniciais ${entry.asset}`;
    case 'deposit':
      return 'Depósito';
    case 'withdrawal':
      return 'Saque';
    case 'trade':
      return order === '' ? 'Negócio' : capitalized(order);
    case 'fee':
      return order === '' ? 'Taxa' : `Taxa da ${order}`;
    case 'hold':
      return order === '' ? 'Bloqueio' : `Bloqueio para ${order}`;
    case 'release':
      return order === '' ? 'Desbloqueio' : `Desbloqueio da ${order}`;
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export interface StatementAmounts {
  /** How the total (available + held) changed: 0 for a hold or release. */
  readonly change: string;
  /** How much went into (+) or out of (−) held; empty when none did. */
  readonly held: string;
  /** The total after the entry. */
  readonly balance: string;
  readonly sign: -1 | 0 | 1;
}

/** An entry's figures in the asset's unit: R$ for cash (signed, without the currency), shares otherwise. */
export function entryAmounts(entry: LedgerEntryView): StatementAmounts {
  const cash = entry.asset === 'BRL';
  const units = (text: string) => (cash ? (centsOf(text) ?? 0) : Number(text));
  const show = (value: number, signed: boolean) =>
    cash ? formatPrice(value, signed) : `${signed && value > 0 ? '+' : ''}${formatQuantity(value)}`;
  const change = units(entry.availableChange) + units(entry.heldChange);
  const held = units(entry.heldChange);
  return {
    change: show(change, true),
    held: held === 0 ? '' : show(held, true),
    balance: show(units(entry.availableAfter) + units(entry.heldAfter), false),
    sign: change > 0 ? 1 : change < 0 ? -1 : 0,
  };
}

/** A page of the statement, newest entry first. */
export type StatementPage = Page<LedgerEntryView>;
