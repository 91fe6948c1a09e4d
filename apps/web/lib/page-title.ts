import type { TickerView } from '@bolsa/contracts';
import { formatPercent, formatPrice } from './format';

/** What every page's title ends with (Next's title template in the root layout says the same). */
export const SITE_NAME = 'Bolsa';

/**
 * A trading screen's title, so that a browser tab says which instrument it trades and where it stands:
 * "PETR4 37,93 +0,18 % · Bolsa", "PETR4 37,93 · Bolsa" before a change is known, "PETR4 · Bolsa" before a trade.
 */
export function tradingTitle(symbol: string, ticker: TickerView | null): string {
  const parts = [symbol];
  const last = ticker?.last ?? null;
  const change = ticker?.changePercent ?? null;
  if (last !== null) parts.push(formatPrice(last));
  if (last !== null && change !== null) parts.push(formatPercent(change));
  if (ticker?.halted === true) parts.push('(suspenso)');
  return `${parts.join(' ')} · ${SITE_NAME}`;
}
