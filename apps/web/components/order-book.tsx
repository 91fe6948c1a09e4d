'use client';
import type { BookLadder, Level } from '../lib/book';
import { formatPrice, formatQuantity } from '../lib/format';

/** The L2 book with depth bars; clicking a level puts its price in the order ticket. */
export function OrderBook({ ladder, onPick }: { ladder: BookLadder; onPick: (price: string) => void }) {
  const row = (level: Level, side: 'buy' | 'sell') => (
    <li key={`${side}-${level.cents}`}>
      <button
        type="button"
        onClick={() => onPick(level.price)}
        className="num relative grid w-full grid-cols-3 px-2 py-0.5 text-right text-xs hover:bg-gray-800 focus-visible:outline-1 focus-visible:outline-sky-400"
        aria-label={`${side === 'buy' ? 'compra' : 'venda'} ${formatQuantity(level.quantity)} a ${formatPrice(level.price)}`}
      >
        <span
          aria-hidden
          className={`absolute inset-y-0 right-0 ${side === 'buy' ? 'bg-buy/15' : 'bg-sell/15'}`}
          style={{ width: `${(level.quantity / ladder.maxQuantity) * 100}%` }}
        />
        <span className={`relative text-left ${side === 'buy' ? 'text-buy' : 'text-sell'}`}>
          {formatPrice(level.price)}
        </span>
        <span className="relative">{formatQuantity(level.quantity)}</span>
        <span className="relative text-gray-500">{level.orderCount}</span>
      </button>
    </li>
  );
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
