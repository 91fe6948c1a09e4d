'use client';
import { ownLevelKey, type BookLadder, type Level, type OwnLevels } from '../lib/book';
import { formatPrice, formatQuantity } from '../lib/format';

interface OrderBookProps {
  readonly ladder: BookLadder;
  /** The trader's own resting orders, marked on their levels. */
  readonly own: OwnLevels;
  readonly onPick: (price: string) => void;
}

/** The L2 book with depth bars and the trader's own orders marked; clicking a level puts its price in the ticket. */
export function OrderBook({ ladder, own, onPick }: OrderBookProps) {
  const row = (level: Level, side: 'buy' | 'sell') => {
    const mine = own.get(ownLevelKey(side, level.cents));
    return (
      <li key={`${side}-${level.cents}`}>
        <button
          type="button"
          onClick={() => onPick(level.price)}
          className="num relative grid w-full grid-cols-3 px-2 py-0.5 text-right text-xs hover:bg-gray-800 focus-visible:outline-1 focus-visible:outline-sky-400"
          aria-label={
            `${side === 'buy' ? 'compra' : 'venda'} ${formatQuantity(level.quantity)} a ${formatPrice(level.price)}` +
            (mine === undefined ? '' : `, suas ${formatQuantity(mine)}`)
          }
        >
          <span
            aria-hidden
            className={`absolute inset-y-0 right-0 ${side === 'buy' ? 'bg-buy/15' : 'bg-sell/15'}`}
            style={{ width: `${(level.quantity / ladder.maxQuantity) * 100}%` }}
          />
          <span className={`relative text-left ${side === 'buy' ? 'text-buy' : 'text-sell'}`}>
            {mine !== undefined && (
              <span
                data-testid="own-level"
                title={`Suas ordens neste preço: ${formatQuantity(mine)}`}
                className="absolute -left-1.5 text-[8px] leading-4 text-amber-300"
              >
                ●
              </span>
            )}
            {formatPrice(level.price)}
          </span>
          <span className="relative">{formatQuantity(level.quantity)}</span>
          <span className="relative text-gray-500">{level.orderCount}</span>
        </button>
      </li>
    );
  };
  return (
    <section className="rounded border border-edge bg-panel" aria-label="Livro de ofertas" data-testid="order-book">
      <h2 className="border-b border-edge px-2 py-1.5 text-xs font-semibold uppercase tracking-wide text-gray-400">
        Livro de ofertas
      </h2>
      <div className="grid grid-cols-3 px-2 py-1 text-right text-[10px] uppercase text-gray-500">
        <span className="text-left">Preço</span>
        <span>Qtd</span>
        <span>Ordens</span>
      </div>
      <ol className="flex min-h-[160px] flex-col justify-end" data-testid="asks">
        {[...ladder.asks].reverse().map((level) => row(level, 'sell'))}
      </ol>
      <div className="num border-y border-edge px-2 py-1 text-center text-xs text-gray-400" data-testid="spread">
        spread {ladder.spread === null ? '—' : formatPrice(ladder.spread)}
      </div>
      <ol className="min-h-[160px]" data-testid="bids">
        {ladder.bids.map((level) => row(level, 'buy'))}
      </ol>
    </section>
  );
}
