import { formatCents, formatQuantity, type LedgerEntryView, type WalletView } from '@bolsa/contracts';
import { CASH } from './ledger.js';
import type { BalanceRow, LedgerEntryRow } from './wallet-store.js';

/** Cash in BRL, positions in shares: the one place wallet amounts become decimal strings. */
export function formatAmount(asset: string, units: bigint): string {
  const value = Number(units);
  return asset === CASH ? formatCents(value) : formatQuantity(value);
}

export function toWalletView(balances: readonly BalanceRow[]): WalletView {
  const view = (row: BalanceRow) => ({
    available: formatAmount(row.asset, row.available),
    held: formatAmount(row.asset, row.held),
    total: formatAmount(row.asset, row.available + row.held),
  });
  const cash = balances.find((row) => row.asset === CASH) ?? { asset: CASH, available: 0n, held: 0n, costBasis: 0n };
  return {
    currency: 'BRL',
    cash: view(cash),
    positions: balances
      .filter((row) => row.asset !== CASH)
      .map((row) => {
        const shares = row.available + row.held;
        return {
          symbol: row.asset,
          ...view(row),
          costBasis: formatCents(Number(row.costBasis)),
          averageCost: shares === 0n ? null : formatCents(Number((row.costBasis + shares / 2n) / shares)),
        };
      }),
  };
}

export function toLedgerEntryView(entry: LedgerEntryRow): LedgerEntryView {
  return {
    entryId: entry.id,
    asset: entry.asset,
    reason: entry.reason,
    availableChange: formatAmount(entry.asset, entry.availableChange),
    heldChange: formatAmount(entry.asset, entry.heldChange),
    availableAfter: formatAmount(entry.asset, entry.availableAfter),
    heldAfter: formatAmount(entry.asset, entry.heldAfter),
    orderId: entry.orderId,
    symbol: entry.order?.symbol ?? null,
    side: entry.order?.side ?? null,
    tradeId: entry.tradeId,
    traceId: entry.traceId,
    createdAt: entry.createdAt.toISOString(),
  };
}
