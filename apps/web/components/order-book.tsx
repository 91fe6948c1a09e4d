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
        >
          <span
            aria-hidden
            className={`absolute inset-y-0 right-0 ${side === 'buy' ? 'bg-buy/15' : 'bg-sell/15'}`}
            style={{ width: `${(level.quantity / ladder.maxQuantity) * 100}%` }}
          />
          {/*
            The button's name is its text: the columns as shown, with the words a screen reader needs between them
            ("venda a 38,02 quantidade 46 em 1 ordem (10 suas)"). Hidden words take no grid cell: they are out of the
            flow, and so are read as words apart, which is why no punctuation follows a number.
          */}
          <span className={`relative text-left ${side === 'buy' ? 'text-buy' : 'text-sell'}`}>
            {mine !== undefined && (
              <span
                aria-hidden
                data-testid="own-level"
                title={`Suas ordens neste preço: ${formatQuantity(mine)}`}
                className="absolute -left-1.5 text-[8px] leading-4 text-amber-300"
              >
                ●
              </span>
            )}
            <span className="sr-only">{side === 'buy' ? 'compra a ' : 'venda a '}</span>
            {formatPrice(level.price)}
          </span>
          <span className="relative">
            <span className="sr-only">quantidade </span>
            {formatQuantity(level.quantity)}
            <span className="sr-only"> em</span>
          </span>
          <span className="relative text-muted">
            {level.orderCount}
            <span className="sr-only">
              {level.orderCount === 1 ? ' ordem' : ' ordens'}
              {mine === undefined ? '' : ` (${formatQuantity(mine)} suas)`}
            </span>
          </span>
        </button>
      </li>
    );
  };
  return (
    <section className="rounded border border-edge bg-panel" aria-label="Livro de ofertas" data-testid="order-book">
      <h2 className="border-b border-edge px-2 py-1.5 text-xs font-semibold uppercase tracking-wide text-gray-400">
        Livro de ofertas
      </h2>
      <div className="grid grid-cols-3 px-2 py-1 text-right text-[10px] uppercase text-muted">
        <span className="text-left">Preço</span>
        <span>Qtd</span>
        <span>Ordens</span>
      </div>
      <ol className="flex min-h-[160px] flex-col justify-end" data-testid="asks">
        {[...ladder.asks].reverse().map((level) => row(level, 'sell'))}
      </ol>
      {ladder.uncross === null ? (
        <div className="num border-y border-edge px-2 py-1 text-center text-xs text-gray-400" data-testid="spread">
          spread {ladder.spread === null ? '—' : formatPrice(ladder.spread)}
        </div>
      ) : (
        <div
          className="num border-y border-edge px-2 py-1 text-center text-xs text-sky-200"
          data-testid="auction-price"
          title="O livro cruza no leilão: na abertura, o que cruzar negocia a este preço"
        >
          preço teórico {formatPrice(ladder.uncross.price)} · {formatQuantity(ladder.uncross.quantity)}
        </div>
      )}
      <ol className="min-h-[160px]" data-testid="bids">
        {ladder.bids.map((level) => row(level, 'buy'))}
      </ol>
    </section>
  );
}
