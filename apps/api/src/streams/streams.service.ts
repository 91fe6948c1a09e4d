import { Inject, Injectable } from '@nestjs/common';
import {
  formatCents,
  formatQuantity,
  type AmendRejectedView,
  type EngineEvent,
  type FillView,
  type OrderEventView,
  type SessionChangeView,
  type StopTriggeredView,
  type TradeView,
} from '@bolsa/contracts';
import {
  asyncScheduler,
  auditTime,
  catchError,
  concatMap,
  EMPTY,
  filter,
  from,
  map,
  merge,
  NEVER,
  share,
  throttleTime,
  type Observable,
} from 'rxjs';
import { PrismaService } from '../database/prisma.service.js';
import { readAccount } from '../accounts/account-row.js';
import { CHANNELS, PgNotifications } from '../database/pg-notifications.js';
import { SqlPool } from '../database/sql-pool.js';
import { WalletStore } from '../wallets/wallet-store.js';
import { PriceAlerts } from '../alerts/price-alerts.js';
import { toWalletView } from '../wallets/wallet-views.js';
import { EventBus } from '../events/event-bus.js';
import type { StoredEvent } from '../events/event-ingestion.js';
import { InstrumentRegistry } from '../markets/instrument-registry.js';
import { MarketDataService } from '../markets/market-data.service.js';
import { SharedTickers } from './shared-tickers.js';
import type { SseMessage, StreamSource } from './sse.js';

type Trade = Extract<EngineEvent, { type: 'trade' }>;

// Views are written as object literals with every field named: V8 copies a spread that more fields follow
// property by property, and these are made for every event of every stream.

function orderUpdate(
  event: Extract<EngineEvent, { type: OrderEventView['change'] }>,
  status: OrderEventView['status'],
  quantity: string | null,
  filledQuantity: string | null,
  price: number | null,
  reason: string | null,
): OrderEventView {
  return {
    orderId: event.orderId,
    symbol: event.symbol,
    sequence: event.sequence,
    quantity,
    filledQuantity,
    price: price === null ? null : formatCents(price),
    reason,
    change: event.type,
    status,
  };
}

function stopView(event: Extract<EngineEvent, { type: 'stop_triggered' }>): StopTriggeredView {
  return {
    orderId: event.orderId,
    symbol: event.symbol,
    sequence: event.sequence,
    stopPrice: formatCents(event.stopPrice),
    lastTradePrice: formatCents(event.lastTradePrice),
  };
}

function amendRejectedView(event: Extract<EngineEvent, { type: 'order_rejected' }>): AmendRejectedView {
  return {
    orderId: event.orderId,
    symbol: event.symbol,
    sequence: event.sequence,
    reason: event.reason,
    message: event.message,
  };
}

/** What an order event says about its order, without a database read. */
export function orderEventView(event: EngineEvent): OrderEventView | null {
  switch (event.type) {
    case 'order_accepted':
      return orderUpdate(event, 'open', formatQuantity(event.quantity), '0', event.price, null);
    case 'order_rejected':
      return event.commandType === 'place_order'
        ? orderUpdate(event, 'rejected', null, null, null, event.reason)
        : null;
    case 'order_updated': {
      const status = event.filledQuantity > 0 ? 'partially_filled' : 'open';
      return orderUpdate(
        event,
        status,
        formatQuantity(event.quantity),
        formatQuantity(event.filledQuantity),
        event.price,
        null,
      );
    }
    case 'order_filled':
      return orderUpdate(event, 'filled', null, formatQuantity(event.filledQuantity), null, null);
    case 'order_cancelled':
      return orderUpdate(event, 'cancelled', null, formatQuantity(event.filledQuantity), null, event.reason);
    case 'order_expired':
      return orderUpdate(event, 'expired', null, formatQuantity(event.filledQuantity), null, 'end_of_day');
    default:
      return null;
  }
}

export function tradeView(event: Trade): TradeView {
  return {
    tradeId: event.tradeId,
    symbol: event.symbol,
    price: formatCents(event.price),
    quantity: formatQuantity(event.quantity),
    aggressorSide: event.aggressorSide,
    executedAt: new Date(event.timestamp).toISOString(),
    sequence: event.sequence,
    // A stream that resumes replays stored events as they were stored: those of older engines have no flag.
    auction: event.auction === true,
  };
}

/** One side of a trade, as its owner's order stream shows it. */
function fillView(event: Trade, role: FillView['role']): FillView {
  const maker = role === 'maker';
  return Object.assign(tradeView(event), {
    orderId: maker ? event.makerOrderId : event.takerOrderId,
    side: maker ? (event.aggressorSide === 'buy' ? ('sell' as const) : ('buy' as const)) : event.aggressorSide,
    role,
  });
}

const TICKER_EVERY_MS = 1000;
const WALLET_EVERY_MS = 100;

/** The live streams: one market, one trader's own orders (and wallet), and every trade. */
@Injectable()
export class StreamsService {
  private readonly sharedTickers: SharedTickers;
  /**
   * Each notice that tickers are stale, numbered once for every stream: a close of the day (every symbol), a halt
   * or a resumption (its symbol), listening again after the database connection was lost (every symbol).
   */
  private readonly staleTickers: Observable<{ symbol: string | null; notice: number }>;
  private notices = 0;

  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(MarketDataService) private readonly markets: MarketDataService,
    @Inject(WalletStore) private readonly wallets: WalletStore,
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(PgNotifications) private readonly notifications: PgNotifications,
    @Inject(InstrumentRegistry) private readonly instruments: InstrumentRegistry,
    @Inject(PriceAlerts) private readonly alerts: PriceAlerts,
  ) {
    this.sharedTickers = new SharedTickers((symbol) => this.markets.ticker(symbol));
    this.staleTickers = merge(
      this.notifications.on(CHANNELS.halts),
      this.notifications.on(CHANNELS.sessions).pipe(map(() => null)),
      this.notifications.resumed.pipe(map(() => null)),
    ).pipe(
      map((symbol) => ({ symbol, notice: ++this.notices })),
      share(),
    );
  }

  /**
   * The caller's order updates and fills, their wallet whenever it changes (at most every 100 ms), their account
   * when it is suspended or reinstated, and their price alerts when one goes off; each again when the API listens
   * again after losing its database connection, since changes notified meanwhile never reached it. The stream starts
   * with the wallet and the alerts, so that a page that opens it again learns what went off meanwhile.
   */
  me(accountId: string): StreamSource {
    const walletMessage = async (): Promise<SseMessage> => ({
      event: 'wallet',
      data: toWalletView(await this.wallets.balances(accountId)),
    });
    const accountMessage = async (): Promise<SseMessage> => ({
      event: 'account',
      data: await readAccount(this.sql, accountId),
    });
    const alertsMessage = async (): Promise<SseMessage> => ({
      event: 'alerts',
      data: await this.alerts.list(accountId),
    });
    // A failed read skips this update; the next change brings the stream up to date.
    const sent = (message: () => Promise<SseMessage>) => concatMap(() => from(message()).pipe(catchError(() => EMPTY)));
    return {
      ...this.orders(accountId),
      initial: () => Promise.all([walletMessage(), alertsMessage()]),
      extras: merge(
        this.changesOf(this.notifications.walletChanges, accountId).pipe(
          auditTime(WALLET_EVERY_MS),
          sent(walletMessage),
        ),
        this.changesOf(this.notifications.on(CHANNELS.accounts), accountId).pipe(sent(accountMessage)),
        this.changesOf(this.notifications.on(CHANNELS.alerts), accountId).pipe(sent(alertsMessage)),
      ),
    };
  }

  /**
   * Trades, L2 deltas and (after a trade, at most once a second) the ticker of one symbol; a `session` event when a
   * trading day is closed, as the tickers stream sends it.
   */
  market(symbol: string): StreamSource {
    return {
      live: this.bus.symbol(symbol),
      accepts: ({ event }) => event.symbol === symbol && (event.type === 'trade' || event.type === 'level_changed'),
      replay: (afterId, limit) => this.stored({ symbol, type: { in: ['trade', 'level_changed'] } }, afterId, limit),
      render: ({ id, event }) => {
        if (event.type === 'level_changed') {
          const data = {
            symbol,
            side: event.side,
            price: formatCents(event.price),
            quantity: formatQuantity(event.quantity),
            orderCount: event.orderCount,
            sequence: event.sequence,
          };
          return [{ id, event: 'level', data }];
        }
        return event.type === 'trade' ? [{ id, event: 'trade', data: tradeView(event) }] : [];
      },
      extras: merge(this.tickerUpdates(symbol), this.sessionChanges()),
    };
  }

  /**
   * Every instrument's ticker: all of them at once, then each after its trades, as the market streams send it; and a
   * `session` event whenever a trading day is closed (an administrator's early close too), so that pages say at
   * once whether the exchange is open.
   */
  tickers(): StreamSource {
    const symbols = this.instruments.list().map((instrument) => instrument.symbol);
    return {
      live: NEVER,
      accepts: () => false,
      replay: async () => [],
      render: () => [],
      initial: async () =>
        (await Promise.all(symbols.map((symbol) => this.markets.ticker(symbol)))).map((data) => ({
          event: 'ticker',
          data,
        })),
      extras: merge(...symbols.map((symbol) => this.tickerUpdates(symbol)), this.sessionChanges()),
    };
  }

  /** A trading day closed or a close undone, by its day; null after listening again (what changed is unknown). */
  private sessionChanges(): Observable<SseMessage> {
    return merge(this.notifications.on(CHANNELS.sessions), this.notifications.resumed.pipe(map(() => null))).pipe(
      map((tradingDay): SseMessage => ({ event: 'session', data: { tradingDay } satisfies SessionChangeView })),
    );
  }

  /**
   * Each notification naming `key` on a channel, and each time the API listens again after losing its database
   * connection (what was notified meanwhile never reached it, so whatever it names must be read afresh).
   */
  private changesOf(notified: Observable<string>, key: string): Observable<unknown> {
    return merge(notified.pipe(filter((named) => named === key)), this.notifications.resumed);
  }

  /**
   * The first trade after a quiet spell at once, then the latest at most once a second, so the ticker always ends
   * on the last trade (sending only on a second's first trade left it behind a burst until the next one). Every
   * stream sees the same trades at the same time, so they ask after the same one and share one read. A halt or a
   * resumption sends one too, read afresh, and so do a close of the day (a new session begins) and listening again
   * after the database connection was lost: one read per symbol and notice, shared by every stream.
   */
  private tickerUpdates(symbol: string): Observable<SseMessage> {
    const afterTrades = this.bus.symbol(symbol).pipe(
      filter(({ event }) => event.type === 'trade'),
      throttleTime(TICKER_EVERY_MS, asyncScheduler, { leading: true, trailing: true }),
      map(
        ({ event }) =>
          () =>
            this.sharedTickers.after(symbol, event.sequence),
      ),
    );
    const readAfresh = this.staleTickers.pipe(
      filter((stale) => stale.symbol === null || stale.symbol === symbol),
      map(
        ({ notice }) =>
          () =>
            this.sharedTickers.afresh(symbol, notice),
      ),
    );
    return merge(afterTrades, readAfresh).pipe(
      concatMap((read) =>
        from(read()).pipe(
          map((data): SseMessage => ({ event: 'ticker', data })),
          // A failed read skips this ticker; the next trade's brings it up to date.
          catchError(() => EMPTY),
        ),
      ),
    );
  }

  /** The caller's own orders as they change, and the fills they take part in. */
  orders(accountId: string): StreamSource {
    const mine = ({ event }: StoredEvent) =>
      event.type === 'trade'
        ? event.makerAccountId === accountId || event.takerAccountId === accountId
        : 'accountId' in event && event.accountId === accountId;
    return {
      live: this.bus.account(accountId),
      accepts: mine,
      replay: async (afterId, limit) => {
        const rows = await this.prisma.$queryRaw<{ id: bigint; payload: EngineEvent }[]>`
          SELECT id, payload FROM engine_events
           WHERE id > ${afterId}
             AND (payload->>'accountId' = ${accountId} OR payload->>'makerAccountId' = ${accountId}
                  OR payload->>'takerAccountId' = ${accountId})
           ORDER BY id LIMIT ${limit}`;
        return rows.map((row) => ({ id: Number(row.id), event: row.payload })).filter(mine);
      },
      render: ({ id, event }) => {
        if (event.type === 'trade') {
          const fills: SseMessage[] = [];
          if (event.makerAccountId === accountId) fills.push({ id, event: 'fill', data: fillView(event, 'maker') });
          if (event.takerAccountId === accountId) fills.push({ id, event: 'fill', data: fillView(event, 'taker') });
          return fills;
        }
        if (event.type === 'stop_triggered') return [{ id, event: 'stop', data: stopView(event) }];
        if (event.type === 'order_rejected' && event.commandType === 'amend_order') {
          return [{ id, event: 'amend_rejected', data: amendRejectedView(event) }];
        }
        const view = orderEventView(event);
        return view === null ? [] : [{ id, event: 'order', data: view }];
      },
    };
  }

  /** Every trade on the exchange. */
  trades(): StreamSource {
    return {
      live: this.bus.events,
      accepts: ({ event }) => event.type === 'trade',
      replay: (afterId, limit) => this.stored({ type: 'trade' }, afterId, limit),
      render: ({ id, event }) => (event.type === 'trade' ? [{ id, event: 'trade', data: tradeView(event) }] : []),
    };
  }

  /** The id of the newest stored event, of any stream: how far behind a resuming client is. */
  async newestEventId(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<
      { newest: bigint }[]
    >`SELECT COALESCE(max(id), 0) AS newest FROM engine_events`;
    return Number(row?.newest ?? 0);
  }

  private async stored(
    where: { symbol?: string; type: string | { in: string[] } },
    afterId: number,
    limit: number,
  ): Promise<StoredEvent[]> {
    const rows = await this.prisma.engineEvent.findMany({
      where: { ...where, id: { gt: BigInt(afterId) } },
      orderBy: { id: 'asc' },
      take: limit,
      select: { id: true, payload: true },
    });
    return rows.map((row) => ({ id: Number(row.id), event: row.payload as unknown as EngineEvent }));
  }
}
