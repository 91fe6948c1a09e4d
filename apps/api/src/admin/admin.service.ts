import { Inject, Injectable } from '@nestjs/common';
import {
  formatCents,
  formatQuantity,
  type AdminSummary,
  type PlatformHealth,
  type ReconciliationView,
} from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { SqlPool } from '../database/sql-pool.js';
import { CASH, EXCHANGE_ACCOUNT_ID } from '../wallets/ledger.js';
import { BooksReconciler } from './books-reconciler.js';

/** Exchange-wide figures for administrators, from totals the ingestion keeps and small tables. */
@Injectable()
export class AdminService {
  constructor(
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(BooksReconciler) private readonly books: BooksReconciler,
  ) {}

  /** The books checked against their rules, all in one snapshot. */
  reconciliation(): Promise<ReconciliationView> {
    return this.books.run();
  }

  /** Each part answers within a second or is reported down. */
  async health(): Promise<PlatformHealth> {
    const started = performance.now();
    const database = await this.lastStoredEventAt()
      .then((last) => ({ up: true, last }))
      .catch(() => ({ up: false, last: null }));
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const url = this.config.engineHealthUrl;
    const engine =
      url === null
        ? 'unknown'
        : await fetch(url, { signal: AbortSignal.timeout(1000) })
            .then((response) => (response.ok ? 'up' : 'down'))
            .catch(() => 'down' as const);
    return {
      api: { status: 'up', uptimeSeconds: Math.floor(process.uptime()) },
      database: { status: database.up ? 'up' : 'down', latencyMs: database.up ? latencyMs : null },
      engine: { status: engine },
      ingestion: { lastEventAt: database.last?.toISOString() ?? null },
    };
  }

  /**
   * When the most recently stored engine event happened: one index lookup on the stream id (ids grow as events
   * are stored), where max(occurred_at) read the whole table at every poll of the admin panel.
   */
  private async lastStoredEventAt(): Promise<Date | null> {
    const { rows } = await this.sql.query<{ occurred_at: Date }>(
      'SELECT occurred_at FROM engine_events ORDER BY id DESC LIMIT 1',
    );
    return rows[0]?.occurred_at ?? null;
  }

  async summary(): Promise<AdminSummary> {
    const [roles, orders, instruments, cash, events, lastEventAt] = await Promise.all([
      this.sql.query<{ role: string; count: number; suspended: number }>(
        'SELECT role, count(*)::int AS count, count(suspended_at)::int AS suspended FROM accounts GROUP BY role',
      ),
      // In one statement, so an order moving out of 'pending' meanwhile is counted once.
      this.sql.query<{ status: string; count: string }>(
        `SELECT status, count FROM order_status_counts WHERE count <> 0
         UNION ALL
         SELECT 'pending', count(*) FROM orders WHERE status = 'pending' HAVING count(*) > 0`,
      ),
      // Totals the ingestion keeps, one row per symbol, rather than a pass over every trade ever made.
      this.sql.query<{ symbol: string; trades: string; volume: string; turnover: string; last: string | null }>(
        `SELECT i.symbol, COALESCE(m.trades, 0) AS trades, COALESCE(m.volume, 0) AS volume,
                COALESCE(m.turnover, 0) AS turnover, m.last_price AS last
           FROM unnest($1::text[]) AS i(symbol) LEFT JOIN market_totals m ON m.symbol = i.symbol
          ORDER BY i.symbol`,
        [this.config.instruments.map((instrument) => instrument.symbol)],
      ),
      this.sql.query<{ available: string; held: string; fees: string }>(
        `SELECT COALESCE(sum(available) FILTER (WHERE account_id <> $1), 0) AS available,
                COALESCE(sum(held), 0) AS held,
                COALESCE(sum(available) FILTER (WHERE account_id = $1), 0) AS fees
           FROM balances WHERE asset = $2`,
        [EXCHANGE_ACCOUNT_ID, CASH],
      ),
      this.sql.query<{ count: string }>('SELECT COALESCE(sum(events), 0) AS count FROM market_totals'),
      this.lastStoredEventAt(),
    ]);
    const countOf = (role: string) => roles.rows.find((row) => row.role === role)?.count ?? 0;
    const totals = cash.rows[0]!;
    return {
      accounts: {
        traders: countOf('trader'),
        admins: countOf('admin'),
        suspended: roles.rows.reduce((sum, row) => sum + row.suspended, 0),
      },
      orders: Object.fromEntries(orders.rows.map((row) => [row.status, Number(row.count)])),
      instruments: instruments.rows.map((row) => ({
        symbol: row.symbol,
        trades: Number(row.trades),
        volume: formatQuantity(Number(row.volume)),
        turnover: formatCents(Number(row.turnover)),
        last: row.last === null ? null : formatCents(Number(row.last)),
      })),
      cash: {
        available: formatCents(Number(totals.available)),
        held: formatCents(Number(totals.held)),
        feesCollected: formatCents(Number(totals.fees)),
      },
      ingestion: { lastEventAt: lastEventAt?.toISOString() ?? null, events: Number(events.rows[0]?.count ?? 0) },
    };
  }
}
