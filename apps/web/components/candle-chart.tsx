'use client';
import { LAST_TRADE_SEQUENCE_HEADER, type CandleInterval, type CandleView, type TradeView } from '@bolsa/contracts';
import {
  CandlestickSeries,
  createChart,
  HistogramSeries,
  LineSeries,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef, useState } from 'react';
import { apiAnswer } from '../lib/api';
import { retrying } from '../lib/retrying';
import { barTime, chartTime, localOffsetMinutes } from '../lib/chart-time';
import { centsOf, formatPrice, formatQuantity } from '../lib/format';
import { lastAverage, movingAverage, type AveragePoint } from '../lib/moving-average';

const SECONDS: Record<CandleInterval, number> = { '1m': 60, '5m': 300, '1h': 3600 };
const INTERVALS: readonly CandleInterval[] = ['1m', '5m', '1h'];
/** The moving averages a trader may draw over the candles (MMA: média móvel aritmética), by their bars. */
const AVERAGES = [
  { period: 9, color: '#f59e0b' },
  { period: 21, color: '#38bdf8' },
] as const;
type AveragePeriod = (typeof AVERAGES)[number]['period'];
/** Where the browser keeps which averages the trader draws, for every chart and every visit. */
const AVERAGES_KEY = 'bolsa.chart.averages';

interface Bar {
  time: UTCTimestamp;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The chart draws in reais; cents only become floats here, for drawing. */
const reais = (decimal: string) => (centsOf(decimal) ?? 0) / 100;

/** Candles with volume: history from the candles endpoint, the last candle kept up to date by live trades. */
export function CandleChart({ symbol, trades }: { symbol: string; trades: readonly TradeView[] }) {
  const [interval, setInterval] = useState<CandleInterval>('1m');
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const candles = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const volumes = useRef<ISeriesApi<'Histogram'> | null>(null);
  /** Every candle drawn, oldest first: the last is the one live trades update; the averages take their closes. */
  const bars = useRef<Bar[]>([]);
  const averageLines = useRef(new Map<AveragePeriod, ISeriesApi<'Line'>>());
  const [shownAverages, setShownAverages] = useState<ReadonlySet<AveragePeriod>>(new Set());
  /** Each average at the last candle (null with fewer candles than its period): the line's last point, its value. */
  const [averagesAtLast, setAveragesAtLast] = useState<ReadonlyMap<AveragePeriod, AveragePoint<UTCTimestamp> | null>>(
    new Map(),
  );
  const applied = useRef(new Set<string>());
  /** The sequence of the last trade the candles loaded count (LAST_TRADE_SEQUENCE_HEADER). */
  const counted = useRef(0);
  /** Moves when candles are loaded: the trades held that came after them are added at once, not at the next trade. */
  const [loads, setLoads] = useState(0);
  /** The last candle, for the header: its close and its volume. */
  const [lastBar, setLastBar] = useState<Bar | null>(null);
  // The trader's clock, as in every other list of the screen (see chart-time.ts): fixed while the chart is open.
  const [offsetMinutes] = useState(localOffsetMinutes);

  useEffect(() => {
    if (box.current === null) return;
    const created = createChart(box.current, {
      autoSize: true,
      layout: { background: { color: '#111827' }, textColor: '#9ca3af', attributionLogo: false },
      grid: { vertLines: { color: '#1f2937' }, horzLines: { color: '#1f2937' } },
      // Room right of the last candle, so its time label is not cut off by the price scale, and candles wide enough
      // to read while a session has only a few.
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#374151', rightOffset: 4, barSpacing: 10 },
      rightPriceScale: { borderColor: '#374151' },
      localization: { locale: 'pt-BR', priceFormatter: (price: number) => formatPrice(Math.round(price * 100)) },
    });
    candles.current = created.addSeries(CandlestickSeries, {
      upColor: '#22c55e',
      downColor: '#f7607a',
      borderVisible: false,
      wickUpColor: '#22c55e',
      wickDownColor: '#f7607a',
    });
    // The volume bars sit under the candles on a hidden scale: a last-value label of theirs would land on the price
    // scale, written as a price.
    volumes.current = created.addSeries(HistogramSeries, {
      priceFormat: { type: 'volume' },
      priceScaleId: '',
      lastValueVisible: false,
      priceLineVisible: false,
    });
    created.priceScale('').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    for (const { period, color } of AVERAGES) {
      const line = created.addSeries(LineSeries, {
        color,
        lineWidth: 1,
        visible: false,
        priceLineVisible: false,
        lastValueVisible: false,
        crosshairMarkerVisible: false,
      });
      averageLines.current.set(period, line);
    }
    chart.current = created;
    return () => {
      created.remove();
      chart.current = null;
      averageLines.current.clear();
    };
  }, []);

  // Read once the page is in the browser (the server has no storage, and both must first draw the same).
  useEffect(() => setShownAverages(storedAverages()), []);
  useEffect(() => {
    for (const [period, line] of averageLines.current) line.applyOptions({ visible: shownAverages.has(period) });
  }, [shownAverages]);

  useEffect(() => {
    const history = () => apiAnswer<CandleView[]>('GET', `/api/markets/${symbol}/candles?interval=${interval}`);
    return retrying(history, (answer) => {
      const loaded: Bar[] = answer.body.map((candle) => ({
        time: chartTime(Date.parse(candle.openTime), offsetMinutes) as number as UTCTimestamp,
        open: reais(candle.open),
        high: reais(candle.high),
        low: reais(candle.low),
        close: reais(candle.close),
        volume: Number(candle.volume),
      }));
      candles.current?.setData(loaded);
      volumes.current?.setData(loaded.map((bar) => volumeBar(bar)));
      bars.current = loaded;
      for (const [period, line] of averageLines.current) line.setData(movingAverage(loaded, period));
      setAveragesAtLast(lastAverages(loaded));
      setLastBar(loaded.at(-1) ?? null);
      setLoads((n) => n + 1);
      applied.current = new Set();
      counted.current = Number(answer.headers.get(LAST_TRADE_SEQUENCE_HEADER) ?? 0);
      chart.current?.timeScale().scrollToRealTime();
    });
  }, [symbol, interval, offsetMinutes]);

  useEffect(() => {
    const seconds = SECONDS[interval];
    for (const trade of [...trades].reverse()) {
      // A trade the history counted is in its candles already; adding it again would count its volume twice.
      if (applied.current.has(trade.tradeId) || trade.sequence <= counted.current) continue;
      applied.current.add(trade.tradeId);
      const time = barTime(Date.parse(trade.executedAt), seconds, offsetMinutes) as number as UTCTimestamp;
      const price = reais(trade.price);
      const quantity = Number(trade.quantity);
      const current = bars.current.at(-1);
      if (current !== undefined && time < current.time) continue;
      const sameCandle = current !== undefined && current.time === time;
      const bar: Bar = sameCandle
        ? {
            ...current,
            high: Math.max(current.high, price),
            low: Math.min(current.low, price),
            close: price,
            volume: current.volume + quantity,
          }
        : { time, open: price, high: price, low: price, close: price, volume: quantity };
      setLastBar(bar);
      candles.current?.update(bar);
      volumes.current?.update(volumeBar(bar));
      if (sameCandle) bars.current[bars.current.length - 1] = bar;
      else bars.current.push(bar);
      const atLast = lastAverages(bars.current);
      for (const [period, point] of atLast) if (point !== null) averageLines.current.get(period)?.update(point);
      setAveragesAtLast(atLast);
    }
  }, [trades, interval, offsetMinutes, loads]);

  return (
    <section className="rounded border border-edge bg-panel" aria-label="Gráfico" data-testid="chart">
      <div className="flex flex-wrap items-center gap-1 border-b border-edge px-2 py-1">
        <h2 className="mr-2 text-xs font-semibold uppercase tracking-wide text-gray-400">Gráfico</h2>
        {INTERVALS.map((option) => (
          <button
            key={option}
            type="button"
            aria-pressed={option === interval}
            onClick={() => setInterval(option)}
            className={`rounded px-2 py-0.5 text-xs ${option === interval ? 'bg-gray-700 text-white' : 'text-gray-400 hover:bg-gray-800'}`}
          >
            {option}
          </button>
        ))}
        {AVERAGES.map(({ period, color }) => (
          <button
            key={period}
            type="button"
            aria-pressed={shownAverages.has(period)}
            title={`Média móvel aritmética de ${period} candles`}
            onClick={() => {
              const next = toggled(shownAverages, period);
              setShownAverages(next);
              storeAverages(next);
            }}
            className={`whitespace-nowrap rounded px-2 py-0.5 text-xs ${shownAverages.has(period) ? 'bg-gray-700' : 'text-gray-400 hover:bg-gray-800'}`}
            style={shownAverages.has(period) ? { color } : undefined}
          >
            MMA {period}
          </button>
        ))}
        <span className="ml-auto whitespace-nowrap text-xs text-muted" data-testid="chart-last-close">
          {lastBar === null ? '' : `último ${formatPrice(Math.round(lastBar.close * 100))}`}
        </span>
        {lastBar !== null && (
          <span
            className="whitespace-nowrap text-xs text-muted"
            title="Volume do último candle"
            data-testid="chart-last-volume"
          >
            vol. {formatQuantity(lastBar.volume)}
          </span>
        )}
        {AVERAGES.filter(({ period }) => shownAverages.has(period)).map(({ period, color }) => (
          <span
            key={period}
            className="num whitespace-nowrap text-xs"
            style={{ color }}
            title={`Com menos de ${period} candles, ainda sem valor`}
            data-testid={`chart-average-${period}`}
          >
            MMA {period} {formatAverage(averagesAtLast.get(period)?.value ?? null)}
          </span>
        ))}
      </div>
      <div ref={box} className="h-[340px]" />
    </section>
  );
}

function lastAverages(drawn: readonly Bar[]): Map<AveragePeriod, AveragePoint<UTCTimestamp> | null> {
  return new Map(AVERAGES.map(({ period }) => [period, lastAverage(drawn, period)]));
}

function storedAverages(): Set<AveragePeriod> {
  try {
    const stored = (window.localStorage.getItem(AVERAGES_KEY) ?? '').split(',');
    return new Set(AVERAGES.map(({ period }) => period).filter((period) => stored.includes(String(period))));
  } catch {
    return new Set(); // storage refused (a private window, say): every visit starts with none
  }
}

function storeAverages(shown: ReadonlySet<AveragePeriod>): void {
  try {
    window.localStorage.setItem(AVERAGES_KEY, [...shown].join(','));
  } catch {
    // Not kept for the next visit; this one draws them all the same.
  }
}

/** `set` with `item` taken out if it was in, put in if it was not. */
function toggled<T>(set: ReadonlySet<T>, item: T): Set<T> {
  const next = new Set(set);
  if (!next.delete(item)) next.add(item);
  return next;
}

/** An average in reais to the cent, as the chart's prices are: "38,05"; "—" while it has no value. */
function formatAverage(value: number | null): string {
  return value === null ? '—' : formatPrice(Math.round(value * 100));
}

function volumeBar(bar: Bar) {
  return { time: bar.time, value: bar.volume, color: bar.close >= bar.open ? '#22c55e55' : '#f7607a55' };
}
