import type { TradeView } from '@bolsa/contracts';

/** Time & sales: newest first, each trade once, at most `limit` kept. */
export function addTrades(current: readonly TradeView[], arrived: readonly TradeView[], limit = 100): TradeView[] {
  if (arrived.length === 0) return current as TradeView[];
  const seen = new Set(current.map((trade) => trade.tradeId));
  const fresh = arrived.filter((trade) => !seen.has(trade.tradeId) && (seen.add(trade.tradeId), true));
  return [...fresh.reverse(), ...current].slice(0, limit);
}
