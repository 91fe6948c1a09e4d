import {
  AccountView,
  AdminActionsPage,
  AdminSummary,
  AdminAccountsPage,
  AdminAccountView,
  ApiErrorBody,
  OrderView,
  SuspendedAccountView,
  WalletView,
} from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { SqlPool } from '../src/database/sql-pool.js';
import { apiWithEngine } from './engine-in-test.js';
import { logIn, newAdmin, newTrader, readStream, until, type SseEvent } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

const testApi = apiWithEngine();
type Trader = Awaited<ReturnType<typeof newTrader>>;
type Admin = Awaited<ReturnType<typeof newAdmin>>;

const buy = (trader: Trader, symbol: string, price: string, quantity = '10') =>
  testApi().request('POST', '/api/orders', {
    token: trader.apiKey,
    body: { symbol, side: 'buy', type: 'limit', price, quantity },
  });
const orderStatus = async (trader: Trader, orderId: string) =>
  OrderView.parse((await testApi().request('GET', `/api/orders/${orderId}`, { token: trader.apiKey })).body).status;
const wallet = async (trader: Trader) =>
  WalletView.parse((await testApi().request('GET', '/api/me/wallet', { token: trader.apiKey })).body);
const suspend = (admin: Admin, accountId: string, reason: unknown = 'documents under review') =>
  testApi().request('POST', `/api/admin/accounts/${accountId}/suspension`, {
    token: admin.apiKey,
    body: { reason },
  });
const reinstate = (admin: Admin, accountId: string) =>
  testApi().request('DELETE', `/api/admin/accounts/${accountId}/suspension`, { token: admin.apiKey });
const details = async (admin: Admin, accountId: string) =>
  AdminAccountView.parse(
    (await testApi().request('GET', `/api/admin/accounts/${accountId}`, { token: admin.apiKey })).body,
  );

describe("an account's API keys, for an administrator", () => {
  it('lists them and revokes one that leaked, saying why: it stops at once, and the log keeps the reason', async () => {
    const api = testApi();
    const admin = await newAdmin(api);
    const trader = await newTrader(api, 'Leaky Trader');
    const keyId = trader.apiKey.split('.')[0]!;
    expect((await details(admin, trader.accountId)).apiKeys).toEqual([
      expect.objectContaining({ keyId, access: 'trade', revokedAt: null }),
    ]);
    const revoke = (token: string, id: string, body: unknown = { reason: 'posted on a public forum' }) =>
      api.request('POST', `/api/admin/accounts/${trader.accountId}/api-keys/${id}/revocation`, { token, body });

    // Not a trader's to do (not even the key's owner), and not without a reason.
    expect((await revoke(trader.apiKey, keyId)).status).toBe(403);
    const noReason = await revoke(admin.apiKey, keyId, { reason: ' ' });
    expect([noReason.status, ApiErrorBody.parse(noReason.body).details]).toEqual([
      400,
      { fields: [expect.objectContaining({ field: 'reason' })] },
    ]);
    expect((await api.request('GET', '/api/me/wallet', { token: trader.apiKey })).status).toBe(200);

    const revoked = await revoke(admin.apiKey, keyId);
    expect(revoked.status).toBe(200);
    expect(AdminAccountView.parse(revoked.body).apiKeys[0]?.revokedAt).not.toBeNull();
    expect((await api.request('GET', '/api/me/wallet', { token: trader.apiKey })).status).toBe(401);
    // Again: answered as it is, and logged once.
    expect((await revoke(admin.apiKey, keyId)).status).toBe(200);
    const log = AdminActionsPage.parse(
      (await api.request('GET', '/api/admin/actions?action=revoke_key', { token: admin.apiKey })).body,
    ).items.filter((action) => action.account?.accountId === trader.accountId);
    expect(log.map((action) => [action.action, action.reason, action.by?.accountId])).toEqual([
      ['revoke_key', 'posted on a public forum', admin.accountId],
    ]);
    // A key the account does not have (another's, or none at all) is not found.
    const other = await newTrader(api, 'Other Trader');
    expect((await revoke(admin.apiKey, other.apiKey.split('.')[0]!)).status).toBe(404);
    expect((await revoke(admin.apiKey, 'not-a-key')).status).toBe(404);
    expect((await api.request('GET', '/api/me/wallet', { token: other.apiKey })).status).toBe(200);
  });
});

describe("an account's sessions, for an administrator", () => {
  it('lists them and ends them all, saying why: its browsers must log in again, and the log keeps the reason', async () => {
    const api = testApi();
    const admin = await newAdmin(api);
    const trader = await newTrader(api, 'Stolen Cookie');
    const session = await logIn(api, trader.email);
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
    expect((await details(admin, trader.accountId)).sessions).toHaveLength(1);
    const end = (token: string, body: unknown = { reason: 'cookie stolen on a shared computer' }) =>
      api.request('POST', `/api/admin/accounts/${trader.accountId}/sessions/end`, { token, body });
    expect((await end(trader.apiKey)).status).toBe(403);
    expect((await end(admin.apiKey, {})).status).toBe(400);
    expect((await api.request('GET', '/api/me/wallet', { headers })).status).toBe(200);

    const ended = await end(admin.apiKey);
    expect(ended.status).toBe(200);
    expect(AdminAccountView.parse(ended.body).sessions).toEqual([]);
    expect((await api.request('GET', '/api/me/wallet', { headers })).status).toBe(401);
    // Its API key is not a session: it goes on. With nothing left to end, nothing more is logged.
    expect((await api.request('GET', '/api/me/wallet', { token: trader.apiKey })).status).toBe(200);
    expect((await end(admin.apiKey)).status).toBe(200);
    const log = AdminActionsPage.parse(
      (await api.request('GET', '/api/admin/actions?action=end_sessions', { token: admin.apiKey })).body,
    ).items.filter((action) => action.account?.accountId === trader.accountId);
    expect(log.map((action) => [action.action, action.reason])).toEqual([
      ['end_sessions', 'cookie stolen on a shared computer'],
    ]);
  });
});

describe('account suspensions', () => {
  it('cancels a suspended trader’s orders, refuses its orders, amends and withdrawals, and lifts cleanly', async () => {
    const api = testApi();
    const admin = await newAdmin(api);
    const trader = await newTrader(api, 'Suspended Trader');
    const cashAtStart = (await wallet(trader)).cash;
    const first = OrderView.parse((await buy(trader, 'PETR4', '20.00')).body);
    const second = OrderView.parse((await buy(trader, 'VALE3', '30.00')).body);
    await until(async () => (await orderStatus(trader, second.orderId)) === 'open');
    await until(async () => (await orderStatus(trader, first.orderId)) === 'open');
    // The trader's own stream hears of the suspension and of its lifting.
    const accountEvents = (events: SseEvent[]) =>
      events.filter((event) => event.event === 'account').map((event) => AccountView.parse(event.data));
    const stream = readStream(`${await api.listen()}/api/stream/me`, {
      headers: { authorization: `Bearer ${trader.apiKey}` },
      sentFirst: (events) => events.some((event) => event.event === 'wallet'),
      done: (events) => accountEvents(events).length === 2,
    });
    await stream.opened;

    const suspended = await suspend(admin, trader.accountId);
    expect(suspended.status).toBe(200);
    const view = SuspendedAccountView.parse(suspended.body);
    expect(view.cancelsSent).toBe(2);
    const suspendedGauge = async () => /^api_accounts_suspended (\d+)$/m.exec(await api.metrics())?.[1];
    expect(Number(await suspendedGauge())).toBe(1);
    const summarized = async () =>
      AdminSummary.parse((await api.request('GET', '/api/admin/summary', { token: admin.apiKey })).body).accounts
        .suspended;
    expect(await summarized()).toBe(1);
    expect(view.account.suspension).toMatchObject({ reason: 'documents under review' });
    expect(view.suspensions).toEqual([
      expect.objectContaining({
        reason: 'documents under review',
        suspendedBy: { accountId: admin.accountId, name: 'Admin' },
        liftedAt: null,
        liftedBy: null,
      }),
    ]);
    for (const order of [first, second]) {
      await until(async () => (await orderStatus(trader, order.orderId)) === 'cancelled');
      const cancelled = await api.request('GET', `/api/orders/${order.orderId}`, { token: trader.apiKey });
      expect(OrderView.parse(cancelled.body).statusReason).toBe('account_suspended');
    }
    // Every hold came back with the cancels.
    await until(async () => (await wallet(trader)).cash.held === '0.00');
    expect((await wallet(trader)).cash.available).toBe(cashAtStart.available);
    expect((await details(admin, trader.accountId)).liveOrders).toBe(0);

    // The trader still logs in and sees why.
    const me = AccountView.parse((await api.request('GET', '/api/accounts/me', { token: trader.apiKey })).body);
    expect(me.suspension).toEqual({ since: view.account.suspension!.since, reason: 'documents under review' });

    const refused = await buy(trader, 'PETR4', '20.00');
    expect(refused.status).toBe(403);
    expect(ApiErrorBody.parse(refused.body)).toMatchObject({
      code: 'account_suspended',
      details: { reason: 'documents under review', suspendedAt: view.account.suspension!.since },
    });
    expect((await wallet(trader)).cash).toEqual({ ...cashAtStart });
    const withdrawal = await api.request('POST', '/api/me/withdrawals', {
      token: trader.apiKey,
      body: { amount: '10.00' },
    });
    expect(withdrawal.status).toBe(403);
    expect(ApiErrorBody.parse(withdrawal.body).code).toBe('account_suspended');
    const deposit = await api.request('POST', '/api/me/deposits', { token: trader.apiKey, body: { amount: '10.00' } });
    expect(deposit.status).toBe(201);

    // Suspending again keeps the first suspension and has nothing left to cancel.
    const again = SuspendedAccountView.parse((await suspend(admin, trader.accountId, 'another reason')).body);
    expect(again.cancelsSent).toBe(0);
    expect(again.account.suspension).toEqual(view.account.suspension);
    expect(again.suspensions).toHaveLength(1);

    const lifted = await reinstate(admin, trader.accountId);
    expect(lifted.status).toBe(200);
    const liftedView = AdminAccountView.parse(lifted.body);
    expect(liftedView.account.suspension).toBeNull();
    expect(Number(await suspendedGauge())).toBe(0);
    expect(await summarized()).toBe(0);
    expect(liftedView.suspensions[0]).toMatchObject({ liftedBy: { accountId: admin.accountId, name: 'Admin' } });
    expect(liftedView.suspensions[0]!.liftedAt).not.toBeNull();
    expect(accountEvents((await stream).events).map((account) => account.suspension)).toEqual([
      view.account.suspension,
      null,
    ]);
    expect((await reinstate(admin, trader.accountId)).status).toBe(200);
    const after = OrderView.parse((await buy(trader, 'PETR4', '20.00')).body);
    await until(async () => (await orderStatus(trader, after.orderId)) === 'open');

    // The checks are the database's, not the suspend request's: a suspension written straight into the row (as
    // another API process's would be) refuses the amend of this open order and a new order alike.
    await api.app
      .get(SqlPool)
      .query(`UPDATE accounts SET suspended_at = LOCALTIMESTAMP, suspension_reason = 'fraud check' WHERE id = $1`, [
        trader.accountId,
      ]);
    const amend = await api.request('PATCH', `/api/orders/${after.orderId}`, {
      token: trader.apiKey,
      body: { price: '21.00' },
    });
    expect(amend.status).toBe(403);
    expect(ApiErrorBody.parse(amend.body)).toMatchObject({
      code: 'account_suspended',
      details: { reason: 'fraud check' },
    });
    expect(ApiErrorBody.parse((await buy(trader, 'VALE3', '30.00')).body).code).toBe('account_suspended');
    const cancel = await api.request('DELETE', `/api/orders/${after.orderId}`, { token: trader.apiKey });
    expect(cancel.status).toBe(202);
    await until(async () => (await orderStatus(trader, after.orderId)) === 'cancelled');
  });

  it('leaves no order of a trader suspended while its orders are arriving', async () => {
    const api = testApi();
    const admin = await newAdmin(api);
    const trader = await newTrader(api, 'Busy Trader');
    const accepted: OrderView[] = [];
    // Six clients place orders one after another until they are refused (waiting out the order entry limit).
    const client = async (n: number) => {
      for (let i = 0; ; i += 1) {
        const answer = await buy(trader, 'ITUB4', `${10 + ((n * 7 + i) % 20)}.00`, '1');
        if (answer.status === 403) return ApiErrorBody.parse(answer.body).code;
        if (answer.status === 429) await new Promise((resolve) => setTimeout(resolve, 100));
        else accepted.push(OrderView.parse(answer.body));
      }
    };
    const clients = Array.from({ length: 6 }, (_, n) => client(n));
    await until(async () => (await details(admin, trader.accountId)).liveOrders >= 10);
    const suspended = SuspendedAccountView.parse((await suspend(admin, trader.accountId, 'burst')).body);
    expect(await Promise.all(clients)).toEqual(Array(6).fill('account_suspended'));
    // Every order accepted was among those the suspension cancelled: none was recorded after it read them.
    expect(suspended.cancelsSent).toBe(accepted.length);
    for (const order of accepted) {
      await until(async () => (await orderStatus(trader, order.orderId)) === 'cancelled');
    }
    await until(async () => (await wallet(trader)).cash.held === '0.00');
  });

  it('waits for a placement that checked the account before the suspension, and cancels its order', async () => {
    const api = testApi();
    const admin = await newAdmin(api);
    const trader = await newTrader(api, 'Slow Trader');
    const pool = api.app.get(SqlPool);
    const waitingOn = async (statement: string) =>
      (
        await pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND strpos(query, $1) > 0`, [
          statement,
        ])
      ).rows.length > 0;
    // A placement is held after its check, before it commits: its ledger entry waits for this table lock.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked = () => {};
    const tableLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = pool.transaction(async (tx) => {
      await tx.query('LOCK TABLE ledger_entries IN SHARE MODE');
      locked();
      await released;
    });
    await tableLocked;
    const placing = buy(trader, 'BBDC4', '15.00', '1');
    await until(() => waitingOn('place_orders'));
    const suspending = suspend(admin, trader.accountId, 'held placement');
    // The suspension has committed and now waits for the placement (or, if it did not wait, has answered).
    await Promise.race([suspending, until(() => waitingOn('FOR UPDATE'))]);
    release();
    await holder;
    const placed = await placing;
    expect(placed.status).toBe(202);
    const view = SuspendedAccountView.parse((await suspending).body);
    expect(view.cancelsSent).toBe(1);
    const order = OrderView.parse(placed.body);
    await until(async () => (await orderStatus(trader, order.orderId)) === 'cancelled');
  });

  it('finds accounts by name or email, newest first, in pages, and is for admins only', async () => {
    const api = testApi();
    const admin = await newAdmin(api);
    const tag = `Findme${Date.now()}`;
    const traders = [];
    for (const n of [1, 2, 3]) traders.push(await newTrader(api, `${tag} ${n}`));
    const list = async (query: string) => api.request('GET', `/api/admin/accounts${query}`, { token: admin.apiKey });
    const page = AdminAccountsPage.parse((await list(`?search=${tag.toUpperCase()}&limit=2`)).body);
    expect(page.items.map((account) => account.name)).toEqual([`${tag} 3`, `${tag} 2`]);
    const rest = AdminAccountsPage.parse((await list(`?search=${tag}&limit=2&cursor=${page.nextCursor}`)).body);
    expect(rest.items.map((account) => account.name)).toEqual([`${tag} 1`]);
    expect(rest.nextCursor).toBeNull();
    const byEmail = AdminAccountsPage.parse((await list(`?search=${traders[1]!.email.split('@')[0]}`)).body);
    expect(byEmail.items.map((account) => account.accountId)).toEqual([traders[1]!.accountId]);

    await suspend(admin, traders[0]!.accountId, 'chargeback');
    const suspendedOnly = AdminAccountsPage.parse((await list(`?search=${tag}&status=suspended`)).body);
    expect(suspendedOnly.items.map((account) => [account.name, account.suspension?.reason])).toEqual([
      [`${tag} 1`, 'chargeback'],
    ]);

    for (const [query, field] of [
      ['?status=frozen', 'status'],
      ['?cursor=nonsense', 'cursor'],
      ['?limit=0', 'limit'],
      [`?search=${'x'.repeat(101)}`, 'search'],
    ] as const) {
      const bad = await list(query);
      expect(bad.status).toBe(400);
      expect(ApiErrorBody.parse(bad.body).details.fields?.[0]?.field).toBe(field);
    }
    const noReason = await suspend(admin, traders[1]!.accountId, ' ');
    expect(noReason.status).toBe(400);
    expect(ApiErrorBody.parse(noReason.body).details.fields?.[0]?.field).toBe('reason');
    expect((await suspend(admin, admin.accountId)).status).toBe(403);
    expect((await suspend(admin, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await suspend(admin, 'not-a-uuid')).status).toBe(404);
    expect((await details(admin, traders[1]!.accountId)).account.suspension).toBeNull();

    const trader = traders[2]!;
    for (const [method, url] of [
      ['GET', '/api/admin/accounts'],
      ['GET', `/api/admin/accounts/${trader.accountId}`],
      ['POST', `/api/admin/accounts/${trader.accountId}/suspension`],
      ['DELETE', `/api/admin/accounts/${traders[0]!.accountId}/suspension`],
    ] as const) {
      const response = await api.request(method, url, { token: trader.apiKey, body: { reason: 'myself' } });
      expect(response.status, `${method} ${url}`).toBe(403);
    }
    expect((await details(admin, traders[0]!.accountId)).account.suspension?.reason).toBe('chargeback');
    expect((await api.request('GET', '/api/admin/accounts')).status).toBe(401);
  });
});
