import type { TradeView } from '@bolsa/contracts';
import { formatPrice, formatQuantity, formatTime } from '../lib/format';
import { tapeColour, tapeSide } from '../lib/trades';
import { ScrollArea } from './scroll-area';

/**
 * The latest trades, newest first, coloured by the side that took liquidity; a call auction's trades (nobody took)
 * in the auctions' colour, marked "L".
 */
export function TimeAndSales({ trades }: { trades: readonly TradeView[] }) {
  return (
    <section className="rounded border border-edge bg-panel" aria-label="Negócios" data-testid="time-and-sales">
      <h2 className="border-b border-edge px-2 py-1.5 text-xs font-semibold uppercase tracking-wide text-gray-400">
        Negócios
      </h2>
      <ScrollArea label="Últimos negócios" className="max-h-[230px] overflow-auto">
        <table className="num w-full text-xs">
          <thead className="text-[10px] uppercase text-muted">
            <tr>
              <th className="px-2 py-1 text-left font-normal">Hora</th>
              <th className="px-2 py-1 text-right font-normal">Preço</th>
              <th className="px-2 py-1 text-right font-normal">Qtd</th>
            </tr>
          </thead>
          <tbody>
            {trades.slice(0, 40).map((trade) => (
              <tr key={trade.tradeId} className={tapeColour(trade)} data-side={tapeSide(trade)}>
                <td className="px-2 py-0.5 text-gray-400">{formatTime(trade.executedAt)}</td>
                <td className="px-2 py-0.5 text-right">
                  {trade.auction === true && (
                    <abbr title="negócio do leilão" className="mr-1 text-[10px] no-underline">
                      L
                    </abbr>
                  )}
                  {formatPrice(trade.price)}
                </td>
                <td className="px-2 py-0.5 text-right">{formatQuantity(trade.quantity)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
      {trades.length === 0 && <p className="px-2 py-3 text-xs text-muted">Nenhum negócio ainda.</p>}
    </section>
  );
}
