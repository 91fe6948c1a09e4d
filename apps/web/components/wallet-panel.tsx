import type { TickerView, WalletView } from '@bolsa/contracts';
import { centsOf, formatBRL, formatQuantity } from '../lib/format';

/** Cash and positions: quantity, average cost, market value at the last price, and profit or loss. */
export function WalletPanel({
  wallet,
  tickers,
}: {
  wallet: WalletView | null;
  tickers: ReadonlyMap<string, TickerView>;
}) {
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
      <table className="num mt-3 w-full text-xs">
        <thead className="text-[10px] uppercase text-gray-500">
          <tr>
            <th className="py-1 text-left font-normal">Ativo</th>
            <th className="py-1 text-right font-normal">Qtd</th>
            <th className="py-1 text-right font-normal">Preço médio</th>
            <th className="py-1 text-right font-normal">Valor</th>
            <th className="py-1 text-right font-normal">L/P</th>
          </tr>
        </thead>
        <tbody>
          {(wallet?.positions ?? []).map((position) => {
            const shares = Number(position.total);
            const last = centsOf(tickers.get(position.symbol)?.last);
            const value = last === null ? null : last * shares;
            const cost = centsOf(position.costBasis) ?? 0;
            // Granted shares cost their instrument's reference price; with none they have no cost, and a profit
            // figure would only repeat their value.
            const profit = value === null || cost === 0 ? null : value - cost;
            return (
              <tr key={position.symbol} data-testid={`position-${position.symbol}`}>
                <td className="py-0.5 text-gray-300">{position.symbol}</td>
                <td className="py-0.5 text-right" data-testid={`position-${position.symbol}-quantity`}>
                  {formatQuantity(position.total)}
                  {position.held !== '0' && (
                    <span className="text-gray-500"> ({formatQuantity(position.held)} bloq.)</span>
                  )}
                </td>
                <td className="py-0.5 text-right">{cost === 0 ? '—' : formatBRL(position.averageCost)}</td>
                <td className="py-0.5 text-right">{value === null ? '—' : formatBRL(value)}</td>
                <td
                  className={`py-0.5 text-right ${profit === null || profit === 0 ? '' : profit > 0 ? 'text-buy' : 'text-sell'}`}
                >
                  {profit === null ? '—' : formatBRL(profit)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
