import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ReconciliationView } from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { SqlPool } from '../database/sql-pool.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { repeatEvery, SingleFlight } from '../scheduling/background.js';
import { reconcile, RECONCILIATION_BEGIN } from './reconciliation.js';

/**
 * Reconciles the books when asked, and in the process that stores engine events every RECONCILE_EVERY_MS as well:
 * each run sets `api_books_faults` per check (the alert BooksDoNotReconcile watches it) and logs what breaks.
 */
@Injectable()
export class BooksReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private stopTimer = () => {};
  private readonly runs = new SingleFlight<ReconciliationView>();

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(SqlPool) private readonly sql: SqlPool,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(ApiLogger) private readonly logger: ApiLogger,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.reconcileEveryMs;
    if (every === 0) return;
    // A first run a minute after start, so that a process restarted often still reconciles.
    this.stopTimer = repeatEvery(every, () => void this.run().catch(() => undefined), Math.min(every, 60_000));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopTimer();
    await this.runs.settled();
  }

  /** One reconciliation (a run asked for while one is going shares it). */
  run(): Promise<ReconciliationView> {
    return this.runs.run(() =>
      this.sql
        .transaction((tx) => reconcile(tx), RECONCILIATION_BEGIN)
        .then((result) => this.report(result))
        .catch((error: unknown) => {
          this.logger.pino.warn({ err: error }, 'the books could not be reconciled');
          throw error;
        }),
    );
  }

  private report(result: ReconciliationView): ReconciliationView {
    for (const check of result.checks) {
      this.metrics.booksFaults.set({ check: check.name }, check.faults);
      if (!check.ok) {
        const { name, faults, examples } = check;
        this.logger.pino.error({ check: name, faults, examples }, 'the books do not reconcile');
      }
    }
    this.metrics.booksReconciledAt.set(Date.parse(result.checkedAt) / 1000);
    return result;
  }
}
