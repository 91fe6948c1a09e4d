import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Half a millisecond to 2.5 s: a database operation, a Kafka send, an order's wait for either. */
const WORK_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The API's Prometheus registry; feature modules add their own metrics to it. */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpSeconds = new Histogram({
    name: 'api_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly ordersAccepted = new Counter({
    name: 'api_orders_accepted_total',
    help: 'Orders recorded and sent to the engine (HTTP 202)',
    labelNames: ['symbol'] as const,
    registers: [this.registry],
  });
  readonly ordersRejected = new Counter({
    name: 'api_orders_rejected_total',
    help: 'Orders refused: by the API (validation, funds) or by the engine (its reason)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly ordersUnsent = new Counter({
    name: 'api_orders_unsent_total',
    help: 'Orders recorded whose first send to the engine failed (left pending for the re-sender)',
    registers: [this.registry],
  });
  readonly ordersResent = new Counter({
    name: 'api_orders_resent_total',
    help: 'Pending orders sent to the engine again (their first send may never have happened)',
    registers: [this.registry],
  });
  readonly suspendedOrdersCancelled = new Counter({
    name: 'api_suspended_orders_cancelled_total',
    help: 'Live orders of suspended accounts cancelled again (their suspension’s cancel may never have been sent)',
    registers: [this.registry],
  });
  readonly booksFaults = new Gauge({
    name: 'api_books_faults',
    help: 'Rows breaking each rule of the books at the last reconciliation (0: the rule holds)',
    labelNames: ['check'] as const,
    registers: [this.registry],
  });
  readonly booksReconciledAt = new Gauge({
    name: 'api_books_reconciled_timestamp_seconds',
    help: 'When the books were last reconciled (Unix time)',
    registers: [this.registry],
  });
  readonly amendsWithdrawn = new Counter({
    name: 'api_amends_withdrawn_total',
    help: 'Withdrawals sent for amends whose answer was overdue (the amend may or may not have reached the engine)',
    registers: [this.registry],
  });
  readonly ingestedEvents = new Counter({
    name: 'api_engine_events_ingested_total',
    help: 'Engine events stored and applied (redeliveries excluded)',
    registers: [this.registry],
  });
  readonly undecodableEvents = new Counter({
    name: 'api_engine_events_undecodable_total',
    help: 'Messages on the engine events topic that are not engine events at all (not JSON, the wrong shape), skipped',
    registers: [this.registry],
  });
  readonly eventOffsetCommits = new Counter({
    name: 'api_engine_events_offset_commits_total',
    help: 'Offset commits of the engine events consumer (how far ingestion has stored; once a second at most)',
    registers: [this.registry],
  });
  readonly waitingPartitions = new Gauge({
    name: 'api_engine_events_partition_waiting',
    help: '1 while ingestion waits at engine events of a schema version this API cannot read (a newer engine)',
    labelNames: ['partition'] as const,
    registers: [this.registry],
  });
  readonly walletAnnouncements = new Counter({
    name: 'api_wallet_announcements_total',
    help: 'Statements announcing changed wallets after their commit, by outcome (failed ones are sent again)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly consumerStartFailures = new Counter({
    name: 'api_engine_events_consumer_start_failures_total',
    help: 'Attempts to start the engine events consumer that failed (Kafka unreachable)',
    registers: [this.registry],
  });
  readonly consumerCrashes = new Counter({
    name: 'api_engine_events_consumer_crashes_total',
    help: 'Times kafkajs stopped the engine events consumer, by who starts it again (kafkajs, or the API itself)',
    labelNames: ['restarted_by'] as const,
    registers: [this.registry],
  });
  readonly sseClients = new Gauge({
    name: 'api_sse_clients',
    help: 'Connected Server-Sent Events clients, by stream',
    labelNames: ['stream'] as const,
    registers: [this.registry],
  });
  readonly sseFailed = new Counter({
    name: 'api_sse_streams_failed_total',
    help: 'SSE streams closed because what the client missed could not be read (the database away); it reconnects',
    labelNames: ['stream'] as const,
    registers: [this.registry],
  });
  readonly sseDropped = new Counter({
    name: 'api_sse_clients_dropped_total',
    help: 'SSE clients disconnected for falling too far behind',
    labelNames: ['stream'] as const,
    registers: [this.registry],
  });
  readonly sseResyncs = new Counter({
    name: 'api_sse_resyncs_total',
    help: 'SSE clients told to start over from a snapshot: their resume point was too far back, or not ours',
    labelNames: ['stream'] as const,
    registers: [this.registry],
  });
  readonly eventsLag = new Gauge({
    name: 'api_engine_events_lag',
    help: 'Engine events on the partition not yet ingested',
    labelNames: ['partition'] as const,
    registers: [this.registry],
  });
  readonly settledTrades = new Counter({
    name: 'api_trades_settled_total',
    help: 'Trades whose cash, shares and fees were moved between wallets',
    registers: [this.registry],
  });
  readonly unsettledTrades = new Counter({
    name: 'api_trades_unsettled_total',
    help: 'Trades recorded without settlement because their orders were not placed through this API',
    registers: [this.registry],
  });
  readonly ledgerEntries = new Counter({
    name: 'api_ledger_entries_total',
    help: 'Ledger entries written by settlement, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly feesCollected = new Counter({
    name: 'api_fees_collected_cents_total',
    help: 'Trading fees credited to the exchange account, in cents',
    registers: [this.registry],
  });
  readonly tradedQuantity = new Counter({
    name: 'api_traded_quantity_total',
    help: 'Shares traded, by instrument (as settled)',
    labelNames: ['symbol'] as const,
    registers: [this.registry],
  });
  readonly loginFailures = new Counter({
    name: 'api_login_failures_total',
    help: 'Failed logins, by outcome (wrong credentials or rate-limited)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private pool: { totalCount: number; idleCount: number; waitingCount: number } | null = null;
  readonly dbPool = new Gauge({
    name: 'api_db_pool_connections',
    help: 'Connections of the plain pg pool, by state (total, idle, waiting requests)',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: () => {
      if (this.pool === null) return;
      this.dbPool.set({ state: 'total' }, this.pool.totalCount);
      this.dbPool.set({ state: 'idle' }, this.pool.idleCount);
      this.dbPool.set({ state: 'waiting' }, this.pool.waitingCount);
    },
  });
  private halts: (() => Promise<ReadonlyMap<string, boolean>>) | null = null;
  readonly tradingHalted = new Gauge({
    name: 'api_trading_halted',
    help: 'Whether an administrator has halted trading in the instrument (1) or not (0), read at every scrape',
    labelNames: ['symbol'] as const,
    registers: [this.registry],
    collect: async () => {
      for (const [symbol, halted] of (await readAtScrape(this.halts)) ?? []) {
        this.tradingHalted.set({ symbol }, halted ? 1 : 0);
      }
    },
  });
  private reopenings: (() => ReadonlyMap<string, boolean>) | null = null;
  readonly tradingReopening = new Gauge({
    name: 'api_trading_reopening',
    help:
      'Whether the instrument is in a call auction of its own (1: a reopening after a halt, or a volatility auction) ' +
      'or not (0), read at every scrape',
    labelNames: ['symbol'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [symbol, reopening] of this.reopenings?.() ?? []) {
        this.tradingReopening.set({ symbol }, reopening ? 1 : 0);
      }
    },
  });
  private marketOpen: (() => boolean) | null = null;
  readonly marketOpenGauge = new Gauge({
    name: 'api_market_open',
    help: 'Whether the exchange takes new orders now (1) or is outside its trading hours (0), read at every scrape',
    registers: [this.registry],
    collect: () => {
      if (this.marketOpen !== null) this.marketOpenGauge.set(this.marketOpen() ? 1 : 0);
    },
  });
  private auction: (() => 'opening' | 'closing' | null) | null = null;
  readonly marketAuctionGauge = new Gauge({
    name: 'api_market_auction',
    help: 'Which call auction runs now: 0 none, 1 the pre-opening, 2 the closing call; read at every scrape',
    registers: [this.registry],
    collect: () => {
      if (this.auction === null) return;
      const kind = this.auction();
      this.marketAuctionGauge.set(kind === null ? 0 : kind === 'opening' ? 1 : 2);
    },
  });
  private suspensions: (() => Promise<number>) | null = null;
  readonly accountsSuspended = new Gauge({
    name: 'api_accounts_suspended',
    help: 'Accounts an administrator has suspended (no new orders, amends or withdrawals), read at every scrape',
    registers: [this.registry],
    collect: async () => {
      const count = await readAtScrape(this.suspensions);
      if (count !== null) this.accountsSuspended.set(count);
    },
  });
  readonly dbSeconds = new Histogram({
    name: 'api_db_operation_duration_seconds',
    help: 'Database work per operation: placing an order with its hold, storing and settling an event batch',
    labelNames: ['operation'] as const,
    buckets: WORK_BUCKETS,
    registers: [this.registry],
  });
  readonly orderEntrySeconds = new Histogram({
    name: 'api_order_entry_step_seconds',
    help:
      'Per accepted order, the two waits of its POST: recording it with its hold (queued behind the placements in ' +
      'flight, then its batch) and publishing its command (queued behind the send in flight, then its send)',
    labelNames: ['step'] as const,
    buckets: WORK_BUCKETS,
    registers: [this.registry],
  });
  readonly commandSendSeconds = new Histogram({
    name: 'api_command_send_duration_seconds',
    help: 'One send of a batch of commands to Kafka, from the request to the broker acknowledging it',
    buckets: WORK_BUCKETS,
    registers: [this.registry],
  });
  readonly commandsSent = new Counter({
    name: 'api_commands_sent_total',
    help: 'Commands the broker acknowledged, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly orderToTradeSeconds = new Histogram({
    name: 'api_order_to_trade_seconds',
    help: 'From an order being recorded by the API to the settlement of its first trade as the taker, end to end',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Reports which instruments are halted at every scrape. */
  watchHalts(read: () => Promise<ReadonlyMap<string, boolean>>): void {
    this.halts = read;
  }

  /** Reports which instruments are in a reopening call auction at every scrape. */
  watchReopenings(read: () => ReadonlyMap<string, boolean>): void {
    this.reopenings = read;
  }

  /** Reports whether the exchange is within its trading hours at every scrape. */
  watchMarketHours(isOpen: () => boolean, auction: () => 'opening' | 'closing' | null = () => null): void {
    this.marketOpen = isOpen;
    this.auction = auction;
  }

  /** Reports how many accounts are suspended at every scrape. */
  watchSuspensions(read: () => Promise<number>): void {
    this.suspensions = read;
  }

  /** Reports a pg pool's connections at every scrape. */
  watchPool(pool: { totalCount: number; idleCount: number; waitingCount: number }): void {
    this.pool = pool;
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'api_' });
  }
}

/**
 * A gauge's reading at scrape time, or null when there is none: with the database out of reach the gauge keeps its
 * last values rather than failing the scrape.
 */
async function readAtScrape<T>(read: (() => Promise<T>) | null): Promise<T | null> {
  if (read === null) return null;
  return read().catch(() => null);
}
