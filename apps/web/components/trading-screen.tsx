'use client';
import type {
  BookView,
  FeeSchedule,
  InstrumentView,
  LevelDeltaView,
  OrderView,
  TickerView,
  TradeView,
  WalletView,
} from '@bolsa/contracts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../lib/api';
import { applyLevelDeltas, bookFromSnapshot, EMPTY_BOOK, ladder, ownLevels, type BookState } from '../lib/book';
import { MAX_PAGE, myListPath } from '../lib/my-lists';
import { everyPage, type Page } from '../lib/pages';
import { tradingTitle } from '../lib/page-title';
import { markPrices } from '../lib/portfolio';
import { retrying } from '../lib/retrying';
import { centsOf } from '../lib/format';
import { instrumentOf } from '../lib/ticket';
import { addTrades } from '../lib/trades';
import { useEventStream, type StreamEvent } from '../lib/use-event-stream';
import { useInstruments } from '../lib/use-instruments';
import { instrumentCallOf, reopeningOf } from '../lib/calendar';
import { useTickers } from '../lib/use-tickers';
import { NOTICE_KINDS } from '../lib/use-account-notices';
import { useMyEvents } from './account-notices';
import { CandleChart } from './candle-chart';
import { TransferForm } from './transfer-form';
import { Notices } from './notices';
import { MarketHeader } from './market-header';
import { MyOrders } from './my-orders';
import { OrderBook } from './order-book';
import { OrderTicket } from './order-ticket';
import { PriceAlerts } from './price-alerts';
import { useRequiredAccount } from './session';
import { TimeAndSales } from './time-and-sales';
import { UnknownInstrument } from './unknown-instrument';
import { WalletPanel } from './wallet-panel';

const DEPTH = 8;
const NO_TICKERS: ReadonlyMap<string, TickerView> = new Map();

/** A column of panels from lg up; below, its box dissolves so that each panel takes its own place. */
const COLUMN = 'contents lg:flex lg:min-w-0 lg:flex-col lg:gap-3';

/**
 * One instrument's trading screen, once the instruments are known: the screen itself, or for a symbol not traded
 * here what is.
 */
export function TradingScreen({ symbol }: { symbol: string }) {
  // Without them the screen has no ticket.
  const instruments = useInstruments();
  if (instruments === null) {
    return (
      <p role="status" className="mt-10 text-center text-sm text-muted" data-testid="trading-screen-loading">
        Carregando {symbol}…
      </p>
    );
  }
  if (!instruments.some((instrument) => instrument.symbol === symbol)) {
    return <UnknownInstrument symbol={symbol} instruments={instruments} />;
  }
  return <InstrumentScreen symbol={symbol} instruments={instruments} />;
}

/** The trading screen of an instrument traded here: live ticker, book, trades and chart; ticket, orders and wallet. */
function InstrumentScreen({ symbol, instruments }: { symbol: string; instruments: readonly InstrumentView[] }) {
  const account = useRequiredAccount();
  const [fees, setFees] = useState<FeeSchedule>({ makerBps: 0, takerBps: 0 });
  const [book, setBook] = useState<BookState>(EMPTY_BOOK);
  const [trades, setTrades] = useState<TradeView[]>([]);
  const [wallet, setWallet] = useState<WalletView | null>(null);
  const [ordersVersion, setOrdersVersion] = useState(0);
  /** The trader's open orders in this instrument, every page of them, to mark their levels in the book. */
  const [openOrders, setOpenOrders] = useState<readonly OrderView[]>([]);
  const [picked, setPicked] = useState<{ price: string; at: number } | null>(null);
  // Bumped when the market stream could not replay what this page missed: the book and trades load again.
  const [marketEpoch, setMarketEpoch] = useState(0);
  // Deltas that arrive before the snapshot wait here; the ones it already includes are skipped on replay.
  const early = useRef<LevelDeltaView[] | null>([]);

  // Asked again until the API answers, as the instruments are.
  useEffect(() => retrying(() => api<FeeSchedule>('GET', '/api/fees'), setFees), []);

  const accountId = account?.accountId ?? null;
  useEffect(() => {
    if (accountId === null) return;
    const everyOpenOrder = () =>
      everyPage((cursor) => api<Page<OrderView>>('GET', myListPath('open', cursor, symbol, MAX_PAGE)));
    return retrying(everyOpenOrder, setOpenOrders);
  }, [accountId, ordersVersion, symbol]);

  useEffect(() => {
    early.current = [];
    setBook(EMPTY_BOOK);
    setTrades([]);
    const snapshot = () =>
      Promise.all([
        api<BookView>('GET', `/api/markets/${symbol}/book?depth=50`),
        api<TradeView[]>('GET', `/api/markets/${symbol}/trades?limit=100`),
      ]);
    return retrying(snapshot, ([levels, recent]) => {
      setBook(applyLevelDeltas(bookFromSnapshot(levels), early.current ?? []));
      early.current = null;
      setTrades((live) => addTrades(recent, [...live].reverse()));
    });
  }, [symbol, marketEpoch]);

  const onMarket = useCallback((events: StreamEvent[]) => {
    const levels = events.filter((e) => e.kind === 'level').map((e) => e.data as LevelDeltaView);
    const arrived = events.filter((e) => e.kind === 'trade').map((e) => e.data as TradeView);
    if (levels.length > 0) {
      if (early.current !== null) early.current.push(...levels);
      else setBook((current) => applyLevelDeltas(current, levels));
    }
    if (arrived.length > 0) setTrades((current) => addTrades(current, arrived));
  }, []);
  const onWalletAndOrders = useCallback((events: StreamEvent[]) => {
    const latest = events.findLast((e) => e.kind === 'wallet')?.data as WalletView | undefined;
    if (latest !== undefined) setWallet(latest);
    // An amend refused changes no order, but ends its "alterando…".
    const changesOrders = (kind: string) => kind === 'order' || kind === 'fill' || kind === 'amend_rejected';
    if (events.some((e) => changesOrders(e.kind))) setOrdersVersion((n) => n + 1);
  }, []);
  const { notices, alerts, onMine } = useMyEvents(onWalletAndOrders);

  const reloadMarket = useCallback(() => setMarketEpoch((n) => n + 1), []);
  const reloadOrders = useCallback(() => setOrdersVersion((n) => n + 1), []);
  const marketState = useEventStream(`/api/stream/markets/${symbol}`, ['trade', 'level'], onMarket, reloadMarket);
  // Every instrument's ticker, this one's for the header and the ticket, the others' to value the wallet.
  const tickers = useTickers().tickers ?? NO_TICKERS;
  const mineState = useEventStream(
    account === null ? null : '/api/stream/me',
    ['wallet', 'account', ...NOTICE_KINDS],
    onMine,
    reloadOrders,
  );

  const instrumentView = instruments.find((i) => i.symbol === symbol);
  // The engine's reference for a crossed book: the last trade, or the instrument's reference price before the first.
  const referenceCents = centsOf(trades[0]?.price) ?? centsOf(instrumentView?.referencePrice) ?? 0;
  const view = useMemo(() => ladder(book, DEPTH, referenceCents), [book, referenceCents]);
  const own = useMemo(() => ownLevels(openOrders, symbol), [openOrders, symbol]);
  const instrument = useMemo(
    () => (instrumentView === undefined ? null : instrumentOf(instrumentView)),
    [instrumentView],
  );
  const prices = useMemo(() => markPrices(instruments, tickers), [instruments, tickers]);
  const ticker = tickers.get(symbol) ?? null;
  const title = tradingTitle(symbol, ticker);
  useEffect(() => {
    document.title = title;
  }, [title]);
  const lastPrice = centsOf(ticker?.last) ?? centsOf(trades[0]?.price);

  if (account === null) return null;
  return (
    <div data-testid="trading-screen">
      {/* The symbol picker says it to the eye; a screen reader's outline of the page starts here. */}
      <h1 className="sr-only">Negociar {symbol}</h1>
      <MarketHeader
        symbol={symbol}
        instruments={instruments}
        ticker={ticker}
        streams={[
          ['mercado', marketState],
          ['conta', mineState],
        ]}
      />
      {/*
        Three columns from lg up. Below, one: the columns' boxes dissolve (`contents`) so that each panel takes its
        own place, in the order a trader on a phone wants them: chart, ticket, own orders, wallet, book, trades.
      */}
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-[260px_minmax(0,1fr)_360px]">
        <div className={COLUMN}>
          <div className="order-5 lg:order-none">
            <OrderBook ladder={view} own={own} onPick={(price) => setPicked({ price, at: Date.now() })} />
          </div>
          <div className="order-6 lg:order-none">
            <TimeAndSales trades={trades} />
          </div>
        </div>
        <div className={COLUMN}>
          <div className="order-1 lg:order-none">
            <CandleChart symbol={symbol} trades={trades} />
          </div>
          <div className="order-3 lg:order-none">
            <MyOrders version={ordersVersion} symbol={symbol} />
          </div>
        </div>
        <div className={COLUMN}>
          <div className="order-2 lg:order-none">
            {instrument !== null && (
              <OrderTicket
                key={symbol}
                instrument={instrument}
                fees={fees}
                wallet={wallet}
                lastPrice={lastPrice}
                picked={picked}
                onPlaced={() => setOrdersVersion((n) => n + 1)}
                halted={ticker?.halted === true}
                haltReason={ticker?.haltReason ?? null}
                reopensAt={reopeningOf(ticker)}
                call={instrumentCallOf(ticker)}
              />
            )}
          </div>
          <div className="order-4 flex flex-col gap-3 lg:order-none">
            <WalletPanel wallet={wallet} prices={prices} />
            <TransferForm kind="deposit" />
            <PriceAlerts
              symbol={symbol}
              lastPrice={lastPrice ?? null}
              alerts={alerts.alerts}
              onCreated={alerts.created}
              onDeleted={alerts.deleted}
            />
          </div>
        </div>
      </div>
      <Notices notices={notices} />
    </div>
  );
}
