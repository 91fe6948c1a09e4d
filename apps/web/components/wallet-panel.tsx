import type { WalletView } from '@bolsa/contracts';
import { formatBRL, formatQuantity, signTone } from '../lib/format';
import { valuePortfolio } from '../lib/portfolio';
import { ScrollArea } from './scroll-area';

/** A number column: apart from the one before it, and never broken over two lines. */
const NUMBER = 'whitespace-nowrap py-0.5 pl-2 text-right align-top';

/** Cash and positions: quantity, average cost, market value and profit or loss (see `valuePortfolio`). */
export function WalletPanel({ wallet, prices }: { wallet: WalletView | null; prices: ReadonlyMap<string, number> }) {
  const positions = wallet === null ? [] : valuePortfolio(wallet, prices).positions;
  return (
    <section className="rounded border border-edge bg-panel p-3" aria-label="Carteira" data-testid="wallet">
      <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-gray-400">Carteira</h2>
      <dl className="num grid grid-cols-2 gap-y-0.5 text-sm">
        <dt className="text-gray-400">Saldo disponível</dt>
        <dd className="text-right text-white" data-testid="cash-available">
          {formatBRL(wallet?.cash.available)}
        </dd>
        <dt className="text-gray-400">Bloqueado em ordens</dt>
        <dd className="text-right" data-testid="cash-held">
          {formatBRL(wallet?.cash.held)}
        </dd>
      </dl>
      <ScrollArea label="Posições" className="mt-3 overflow-x-auto">
        <table className="num w-full text-xs">
          <thead className="text-[10px] uppercase text-muted">
            <tr>
              <th className="py-1 text-left font-normal">Ativo</th>
              {['Qtd', 'Preço médio', 'Valor', 'L/P'].map((heading) => (
                <th key={heading} className="py-1 pl-2 text-right font-normal">
                  {heading}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {positions.map((position) => (
              <tr key={position.symbol} data-testid={`position-${position.symbol}`}>
                <td className="py-0.5 align-top text-gray-300">{position.symbol}</td>
                <td className={NUMBER} data-testid={`position-${position.symbol}-quantity`}>
                  {formatQuantity(position.shares)}
                  {/* On its own line: beside the quantity it squeezed the money columns until they ran together. */}
                  {position.held !== 0 && (
                    <span className="block text-[10px] leading-tight text-muted" data-testid="position-held">
                      {formatQuantity(position.held)} bloq.
                    </span>
                  )}
                </td>
                <td className={NUMBER}>{position.costCents === 0 ? '—' : formatBRL(position.averageCost)}</td>
                <td className={NUMBER}>{formatBRL(position.valueCents)}</td>
                <td className={`${NUMBER} ${signTone(position.profitCents)}`}>{formatBRL(position.profitCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
    </section>
  );
}
