import { OrderView, ReconciliationView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { RECONCILIATION_BEGIN, RECONCILIATION_CHECKS } from '../src/admin/reconciliation.js';
import { SqlPool } from '../src/database/sql-pool.js';
import { apiWithEngine } from './engine-in-test.js';
import { newAdmin, newTrader, startTestApi, until } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

const testApi = apiWithEngine();

type Trader = Awaited<ReturnType<typeof newTrader>>;

async function place(trader: Trader, body: Record<string, string>): Promise<OrderView> {
  const response = await testApi().request('POST', '/api/orders', { token: trader.apiKey, body });
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return OrderView.parse(response.body);
}

async function reconciliation(token: string): Promise<ReconciliationView> {
  const response = await testApi().request('GET', '/api/admin/reconciliation', { token });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return ReconciliationView.parse(response.body);
}

const failing = (view: ReconciliationView) => view.checks.filter((check) => !check.ok).map((check) => check.name);

describe('GET /api/admin/reconciliation', () => {
  it('finds the books in order after trading, and names what breaks when a balance is changed behind the ledger', async () => {
    const admin = await newAdmin(testApi());
    const seller = await newTrader(testApi(), 'reconcile-seller');
    const buyer = await newTrader(testApi(), 'reconcile-buyer');
    await place(seller, { symbol: 'PETR4', side: 'sell', type: 'limit', price: '38.00', quantity: '10' });
    const buy = await place(buyer, { symbol: 'PETR4', side: 'buy', type: 'limit', price: '38.50', quantity: '6' });
    await place(buyer, { symbol: 'PETR4', side: 'buy', type: 'limit', price: '37.00', quantity: '3' });
    await until(async () => {
      const order = await testApi().request('GET', `/api/orders/${buy.orderId}`, { token: buyer.apiKey });
      return OrderView.parse(order.body).status === 'filled';
    });

    const clean = await reconciliation(admin.apiKey);
    expect(clean.checks.map((check) => check.name)).toEqual(RECONCILIATION_CHECKS);
    expect(failing(clean)).toEqual([]);
    expect(clean.ok).toBe(true);

    // One cent appears in the buyer's cash with no ledger entry for it: money from nowhere.
    const sql = testApi().app.get(SqlPool);
    await sql.query(`UPDATE balances SET available = available + 1 WHERE account_id = $1 AND asset = 'BRL'`, [
      buyer.accountId,
    ]);
    const broken = await reconciliation(admin.apiKey);
    expect(broken.ok).toBe(false);
    expect(failing(broken)).toEqual(['assets_conserved', 'balances_match_ledger']);
    // The run is exported too, for the alert BooksDoNotReconcile.
    expect(await testApi().metrics()).toMatch(/^api_books_faults\{check="balances_match_ledger"\} 1$/m);
    expect(await testApi().metrics()).toMatch(/^api_books_faults\{check="trades_settled"\} 0$/m);
    const ledger = broken.checks.find((check) => check.name === 'balances_match_ledger')!;
    expect(ledger.faults).toBe(1);
    expect(ledger.examples).toEqual([expect.objectContaining({ account_id: buyer.accountId, asset: 'BRL' })]);

    // A live order's hold out of step with its account's held shares.
    await sql.query(`UPDATE balances SET available = available - 1 WHERE account_id = $1 AND asset = 'BRL'`, [
      buyer.accountId,
    ]);
    await sql.query(
      `UPDATE orders SET hold_amount = hold_amount + 1 WHERE account_id = $1 AND status IN ('open', 'partially_filled')`,
      [seller.accountId],
    );
    expect(failing(await reconciliation(admin.apiKey))).toEqual(['holds_match_orders', 'sell_holds_exact']);
    await sql.query(
      `UPDATE orders SET hold_amount = hold_amount - 1 WHERE account_id = $1 AND status IN ('open', 'partially_filled')`,
      [seller.accountId],
    );
    expect((await reconciliation(admin.apiKey)).ok).toBe(true);

    // A suspension whose cancels never went out: the seller's open order outlives it. A minute's grace lets
    // cancels in flight arrive, so only a suspension older than that counts.
    const suspendSeller = (ago: string) =>
      sql.query(
        `UPDATE accounts SET suspended_at = LOCALTIMESTAMP - $2::interval, suspension_reason = 'test' WHERE id = $1`,
        [seller.accountId, ago],
      );
    await suspendSeller('10 seconds');
    expect((await reconciliation(admin.apiKey)).ok).toBe(true);
    await suspendSeller('2 minutes');
    const stranded = await reconciliation(admin.apiKey);
    expect(failing(stranded)).toEqual(['suspended_accounts_have_no_live_orders']);
    expect(stranded.checks.at(-1)!.examples).toEqual([
      expect.objectContaining({ account_id: seller.accountId, status: 'partially_filled' }),
    ]);
    await sql.query(`UPDATE accounts SET suspended_at = NULL, suspension_reason = NULL WHERE id = $1`, [
      seller.accountId,
    ]);
    expect((await reconciliation(admin.apiKey)).ok).toBe(true);
  });

  it('reads one snapshot, changes nothing, and sorts in memory', async () => {
    const sql = testApi().app.get(SqlPool);
    const settings = await sql.transaction(
      async (tx) =>
        (
          await tx.query<{ isolation: string; readOnly: string; workMem: string }>(
            `SELECT current_setting('transaction_isolation') AS isolation,
                    current_setting('transaction_read_only') AS "readOnly", current_setting('work_mem') AS "workMem"`,
          )
        ).rows[0],
      RECONCILIATION_BEGIN,
    );
    expect(settings).toEqual({ isolation: 'repeatable read', readOnly: 'on', workMem: '32MB' });
    // Only for the reconciliation: the pool's connections go back with the server's own setting.
    const after = await sql.query<{ workMem: string }>(`SELECT current_setting('work_mem') AS "workMem"`);
    expect(after.rows[0]!.workMem).not.toBe('32MB');
  });

  it('is for administrators only', async () => {
    const trader = await newTrader(testApi(), 'reconcile-trader');
    const response = await testApi().request('GET', '/api/admin/reconciliation', { token: trader.apiKey });
    expect(response.status).toBe(403);
  });
});

describe('RECONCILE_EVERY_MS', () => {
  it('has the process that stores engine events reconcile on its own, and export what it found', async () => {
    const api = await startTestApi({ RECONCILE_EVERY_MS: '200' });
    try {
      const trader = await newTrader(api, 'reconcile-periodic');
      const exported = (check: string, faults: number) =>
        until(async () =>
          new RegExp(`^api_books_faults\\{check="${check}"\\} ${faults}$`, 'm').test(await api.metrics()),
        );
      await exported('balances_match_ledger', 0);
      const sql = api.app.get(SqlPool);
      const nudge = (cents: number) =>
        sql.query(`UPDATE balances SET available = available + $2 WHERE account_id = $1 AND asset = 'BRL'`, [
          trader.accountId,
          cents,
        ]);
      await nudge(1);
      await exported('balances_match_ledger', 1);
      await nudge(-1);
      await exported('balances_match_ledger', 0);
      expect(await api.metrics()).toMatch(/^api_books_reconciled_timestamp_seconds \d+/m);
    } finally {
      await api.stop();
    }
  });
});
