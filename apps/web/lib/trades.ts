import type { TradeView } from '@bolsa/contracts';

/** Time & sales: newest first, each trade once, at most `limit` kept. */
export function addTrades(current: readonly TradeView[], arrived: readonly TradeView[], limit = 100): TradeView[] {
  if (arrived.length === 0) return current as TradeView[];
  const seen = new Set(current.map((trade) => trade.tradeId));
  const fresh = arrived.filter((trade) => !seen.has(trade.tradeId) && (seen.add(trade.tradeId), true));
  return [...fresh.reverse(), ...current].slice(0, limit);
}

/** How the tape shows who traded: the side that took the other's price, or a call auction's one price. */
export type TapeSide = TradeView['aggressorSide'] | 'auction';

/** A trade's place on the tape: its aggressor's side, or `auction` for a call auction's uncross (nobody took). */
export function tapeSide(trade: TradeView): TapeSide {
  return trade.auction === true ? 'auction' : trade.aggressorSide;
}

const TAPE_WORDS: Record<TapeSide, string> = { buy: 'compra', sell: 'venda', auction: 'leilão' };
const TAPE_COLOURS: Record<TapeSide, string> = { buy: 'text-buy', sell: 'text-sell', auction: 'text-sky-300' };

/** The tape's word for a trade's side ("compra", "venda", "leilão"). */
export function tapeText(trade: TradeView): string {
  return TAPE_WORDS[tapeSide(trade)];
}

/** The tape's colour for a trade: the aggressor's side's, or the auctions'. */
export function tapeColour(trade: TradeView): string {
  return TAPE_COLOURS[tapeSide(trade)];
}
