'use client';
import type { BookView } from '@bolsa/contracts';
import Link from 'next/link';
import { reopeningOf, sessionText } from '../lib/calendar';
import { centsOf, formatPercent, formatPrice, formatQuantity, signTone } from '../lib/format';
import { useAuctionPrices } from '../lib/use-auction-prices';
import { useCalendar } from '../lib/use-calendar';
import { useInstruments } from '../lib/use-instruments';
import { useTickers } from '../lib/use-tickers';
import { useAccountStreamNotices } from './account-notices';
import { ConnectionDot } from './connection-dot';
import { Notices } from './notices';
import { TradingBadge } from './trading-badge';
import { ScrollArea } from './scroll-area';

const CELL = 'px-3 py-1.5 text-right';

/** A book's theoretical price and quantity (`31,00 · 10`); a dash while it does not cross, or is not read yet. */
function theoreticalText(uncross: BookView['uncross'] | undefined): string {
  return uncross === undefined || uncross === null
    ? '—'
    : `${formatPrice(uncross.price)} · ${formatQuantity(uncross.quantity)}`;
}

/** Every instrument's quote, live: the page to pick what to trade. */
export function MarketOverview() {
  const instruments = useInstruments();
  const { tickers, state } = useTickers();
  const { calendar } = useCalendar();
  const session = sessionText(calendar);
  // In a call auction nothing trades: the price each book would open (or close) at is what there is to see; in an
  // instrument's reopening after a halt, its own.
  const symbols = (instruments ?? []).map((instrument) => instrument.symbol);
  const reopening = symbols.filter((symbol) => reopeningOf(tickers?.get(symbol)) !== null);
  const inDaysAuction = (calendar?.auction ?? null) !== null;
  const inAuction = inDaysAuction || reopening.length > 0;
  const theoretical = useAuctionPrices(inDaysAuction ? symbols : reopening, inAuction);
  // A logged-in trader watching the market is told of their orders and alerts here too.
  const account = useAccountStreamNotices();

  return (
    <section className="rounded border border-edge bg-panel" aria-label="Mercado" data-testid="market-overview">
      <div className="flex items-center border-b border-edge px-3 py-2">
        <h1 className="mr-auto text-sm font-semibold text-white">Mercado</h1>
        {session !== null && (
          <p className="mr-3 text-[11px] text-muted" data-testid="market-session">
            {session}
          </p>
        )}
        <ConnectionDot label="cotações" state={state} />
        {account.state !== null && (
          <span className="ml-3">
            <ConnectionDot label="conta" state={account.state} />
          </span>
        )}
      </div>
      <ScrollArea label="Cotações" className="overflow-x-auto">
        <table className="num w-full min-w-[720px] text-sm">
          <thead className="text-[10px] uppercase text-muted">
            <tr>
              <th className="px-3 py-1 text-left font-normal">Ativo</th>
              <th className="py-1 text-left font-normal">Nome</th>
              <th className={`${CELL} font-normal`}>Último</th>
              <th className={`${CELL} font-normal`}>Variação</th>
              {inAuction && (
                <th className={`${CELL} font-normal`}>
                  <abbr title="Preço teórico do leilão, e a quantidade que negociaria nele" className="no-underline">
                    Teórico
                  </abbr>
                </th>
              )}
              <th className={`${CELL} font-normal`}>Abertura</th>
              <th className={`${CELL} font-normal`}>Máxima</th>
              <th className={`${CELL} font-normal`}>Mínima</th>
              <th className={`${CELL} font-normal`}>
                <abbr title="Fechamento anterior" className="no-underline">
                  Fech. ant.
                </abbr>
              </th>
              <th className={`${CELL} font-normal`}>Volume</th>
              <th className={`${CELL} font-normal`}>Negócios</th>
            </tr>
          </thead>
          <tbody>
            {instruments === null && (
              <tr>
                <td colSpan={inAuction ? 11 : 10} className="px-3 py-3 text-center text-muted">
                  <span role="status">Carregando cotações…</span>
                </td>
              </tr>
            )}
            {(instruments ?? []).map((instrument) => {
              const ticker = tickers?.get(instrument.symbol);
              const tone = signTone(centsOf(ticker?.change));
              return (
                <tr
                  key={instrument.symbol}
                  className="border-t border-edge/50 hover:bg-gray-900"
                  data-testid={`quote-${instrument.symbol}`}
                >
                  <td className="px-3 py-1.5">
                    <Link href={`/trade/${instrument.symbol}`} className="font-semibold text-sky-300 hover:underline">
                      {instrument.symbol}
                    </Link>
                  </td>
                  <td className="py-1.5 text-gray-400">
                    {instrument.name}
                    <TradingBadge ticker={ticker} />
                  </td>
                  <td className={`${CELL} text-white`} data-testid={`quote-${instrument.symbol}-last`}>
                    {formatPrice(ticker?.last ?? instrument.referencePrice)}
                    {(ticker?.last ?? null) === null && instrument.referencePrice !== null && (
                      <span className="ml-1 text-[10px] text-muted" title="preço de referência, sem negócios">
                        ref.
                      </span>
                    )}
                  </td>
                  <td className={`${CELL} ${tone}`} data-testid={`quote-${instrument.symbol}-change`}>
                    {formatPercent(ticker?.changePercent)}
                  </td>
                  {inAuction && (
                    <td className={`${CELL} text-sky-200`} data-testid={`quote-${instrument.symbol}-theoretical`}>
                      {theoreticalText(theoretical.get(instrument.symbol))}
                    </td>
                  )}
                  <td className={CELL}>{formatPrice(ticker?.open)}</td>
                  <td className={CELL}>{formatPrice(ticker?.high)}</td>
                  <td className={CELL}>{formatPrice(ticker?.low)}</td>
                  <td className={CELL} data-testid={`quote-${instrument.symbol}-previous-close`}>
                    {formatPrice(ticker?.previousClose)}
                  </td>
                  <td className={CELL} data-testid={`quote-${instrument.symbol}-volume`}>
                    {formatQuantity(ticker?.volume ?? '0')}
                  </td>
                  <td className={CELL}>{formatQuantity(ticker?.trades ?? 0)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollArea>
      <p className="border-t border-edge px-3 py-2 text-[11px] text-muted">
        Abertura, máxima, mínima, volume e negócios do pregão: desde o último fechamento do dia (antes do primeiro, as
        últimas 24 horas). Variação sobre o fechamento anterior.
      </p>
      <Notices notices={account.notices} />
    </section>
  );
}
