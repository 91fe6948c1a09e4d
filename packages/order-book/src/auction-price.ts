/** One price level of a call auction's book: its price and the quantity resting there. */
export interface AuctionLevel {
  readonly price: number;
  readonly quantity: number;
}

/** Where a call auction uncrosses: one price for every trade, the quantity that trades there, and who is left over. */
export interface AuctionUncross {
  readonly price: number;
  readonly quantity: number;
  /** What the bids at or above `price` want less what the asks at or below it offer: > 0 buyers left, < 0 sellers. */
  readonly imbalance: number;
}

/**
 * The price a call auction uncrosses at, from its bids and asks (each best first), as exchanges such as B3 set it:
 * the price that trades the most; among those, the one that leaves the least unmatched; then, when every one left
 * leaves buyers over, the highest (sellers over: the lowest); then the one nearest `referencePrice` (the last trade,
 * or a stand-in before the first; 0: none, and the lowest is taken), the lower on a tie. Null when the book does not cross: nothing would trade.
 * Only the levels' prices are candidates: between two of them the quantities do not change.
 */
export function auctionUncross(
  bids: readonly AuctionLevel[],
  asks: readonly AuctionLevel[],
  referencePrice: number,
): AuctionUncross | null {
  const bestBid = bids[0];
  const bestAsk = asks[0];
  if (bestBid === undefined || bestAsk === undefined || bestBid.price < bestAsk.price) return null;
  const low = bestAsk.price;
  const high = bestBid.price;
  const prices = [...bids, ...asks]
    .map((level) => level.price)
    .filter((price) => price >= low && price <= high)
    .sort((a, b) => a - b)
    .filter((price, i, sorted) => i === 0 || sorted[i - 1] !== price);

  // Ascending prices: the asks at or below grow, the bids at or above shrink.
  let demand = bids.reduce((sum, level) => sum + level.quantity, 0);
  let supply = 0;
  let bidFromLow = bids.length - 1;
  let askFromLow = 0;
  const candidates: AuctionUncross[] = [];
  for (const price of prices) {
    for (; bidFromLow >= 0 && bids[bidFromLow]!.price < price; bidFromLow--) demand -= bids[bidFromLow]!.quantity;
    for (; askFromLow < asks.length && asks[askFromLow]!.price <= price; askFromLow++) {
      supply += asks[askFromLow]!.quantity;
    }
    candidates.push({ price, quantity: Math.min(demand, supply), imbalance: demand - supply });
  }

  const most = Math.max(...candidates.map((c) => c.quantity));
  const trading = candidates.filter((c) => c.quantity === most);
  const least = Math.min(...trading.map((c) => Math.abs(c.imbalance)));
  const balanced = trading.filter((c) => Math.abs(c.imbalance) === least);
  if (balanced.every((c) => c.imbalance > 0)) return balanced[balanced.length - 1]!;
  if (balanced.every((c) => c.imbalance < 0)) return balanced[0]!;
  const reference = referencePrice > 0 ? referencePrice : balanced[0]!.price;
  let nearest = balanced[0]!;
  for (const c of balanced) {
    if (Math.abs(c.price - reference) < Math.abs(nearest.price - reference)) nearest = c;
  }
  return nearest;
}
