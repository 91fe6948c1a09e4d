'use client';
import type { InstrumentView, TickerView } from '@bolsa/contracts';
import { useRouter } from 'next/navigation';
import { instrumentSessionText } from '../lib/calendar';
import { centsOf, formatPercent, formatPrice, formatQuantity, signTone } from '../lib/format';
import { useCalendar } from '../lib/use-calendar';
import type { StreamState } from '../lib/use-event-stream';
import { ConnectionDot } from './connection-dot';
import { TradingBadge } from './trading-badge';

/** Symbol picker, the live ticker of the instrument being traded, and its session (halted, in an auction, open…). */
export function MarketHeader({
  symbol,
  instruments,
  ticker,
  streams,
}: {
  symbol: string;
  instruments: readonly InstrumentView[];
  ticker: TickerView | null;
  streams: Array<[string, StreamState]>;
}) {
  const router = useRouter();
  const { calendar } = useCalendar();
  const session = instrumentSessionText(calendar, ticker);
  const change = centsOf(ticker?.change);
  const tone = signTone(change, 'text-gray-300');
  const stat = (label: string, value: string, testId?: string, className = 'text-gray-200') => (
    <div className="flex min-w-[88px] flex-col">
      <span className="text-[10px] uppercase text-muted">{label}</span>
      <span className={`num text-sm ${className}`} data-testid={testId}>
        {value}
      </span>
    </div>
  );
  return (
    <section
      className="mb-3 flex flex-wrap items-center gap-5 rounded border border-edge bg-panel px-3 py-2"
      aria-label="Cotação"
    >
      <label className="sr-only" htmlFor="symbol-picker">
        Ativo
      </label>
      <select
        id="symbol-picker"
        value={symbol}
        onChange={(event) => router.push(`/trade/${event.target.value}`)}
        className="rounded border border-gray-700 bg-gray-950 px-2 py-1 text-base font-semibold text-white"
      >
        {instruments.map((instrument) => (
          <option key={instrument.symbol} value={instrument.symbol}>
            {instrument.symbol} — {instrument.name}
          </option>
        ))}
      </select>
      <TradingBadge ticker={ticker} />
      {stat('Último', formatPrice(ticker?.last), 'ticker-last', `text-lg font-semibold ${tone}`)}
      {stat('Variação', formatPercent(ticker?.changePercent), 'ticker-change', tone)}
      {stat('Fech. ant.', formatPrice(ticker?.previousClose), 'ticker-previous-close')}
      {stat('Máxima', formatPrice(ticker?.high))}
      {stat('Mínima', formatPrice(ticker?.low))}
      {stat('Volume', formatQuantity(ticker?.volume ?? '0'), 'ticker-volume')}
      {session !== null && (
        <p className="text-[11px] text-muted" data-testid="header-session">
          {session}
        </p>
      )}
      <div className="ml-auto flex flex-col items-end gap-0.5">
        {streams.map(([label, state]) => (
          <ConnectionDot key={label} label={label} state={state} />
        ))}
      </div>
    </section>
  );
}
