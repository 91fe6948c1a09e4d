import { randomUUID } from 'node:crypto';
import {
  ClosedDayView,
  OrderView,
  SessionChangeView,
  TickerView,
  TradingCalendarView,
  WalletView,
  type EndOfDayCommand,
} from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { SqlPool } from '../src/database/sql-pool.js';
import { MarketDataService } from '../src/markets/market-data.service.js';
import { SessionCloser } from '../src/sessions/session-closer.js';
import { TradingCalendar } from '../src/sessions/trading-calendar.js';
import { startInTestEngine } from './engine-in-test.js';
import {
  newAdmin,
  newTrader,
  openedIn2025,
  readStream,
  startTestApi,
  type SseEvent,
  type TestApi,
  until,
  watchCommands,
} from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;
let engine: { stop(): Promise<void> };

beforeAll(async () => {
  // B3's days: Monday to Friday (the default), the Carnival of 2026 off, and a Monday of 2031 (and the Sunday
  // before it, which the calendar does not list: no trading day is lost to it).
  api = await startTestApi({
    MARKET_CLOSE: '18:00',
    MARKET_TIMEZONE: 'America/Sao_Paulo',
    MARKET_HOLIDAYS: '2026-02-16,2026-02-17,2031-06-08,2031-06-09',
  });
  // The tests give the closer the time themselves; its own timer, on the real clock, would close a real day under
  // them if a run spanned 18:00 in São Paulo.
  await api.app.get(SessionCloser).onModuleDestroy();
  engine = await startInTestEngine(api.broker.bootstrap);
  await openedIn2025(api);
});

afterAll(async () => {
  await engine.stop();
  await api.stop();
});

type Trader = Awaited<ReturnType<typeof newTrader>>;

async function place(trader: Trader, timeInForce: 'DAY' | 'GTC'): Promise<string> {
  const body = { symbol: 'ITUB4', side: 'buy', type: 'limit', price: '20.00', quantity: '10', timeInForce };
  return OrderView.parse((await api.request('POST', '/api/orders', { token: trader.apiKey, body })).body).orderId;
}

const status = async (trader: Trader, orderId: string) =>
  OrderView.parse((await api.request('GET', `/api/orders/${orderId}`, { token: trader.apiKey })).body).status;

describe('closing the trading day', () => {
  it('expires DAY orders (releasing their holds) and leaves GTC orders, when an admin closes it', async () => {
    const trader = await newTrader(api, 'day-trader');
    const day = await place(trader, 'DAY');
    const gtc = await place(trader, 'GTC');
    await until(async () => (await status(trader, day)) === 'open' && (await status(trader, gtc)) === 'open');

    const refused = await api.request('POST', '/api/admin/end-of-day', { token: trader.apiKey });
    expect(refused.status).toBe(403);
    const admin = await newAdmin(api);
    const closed = await api.request('POST', '/api/admin/end-of-day', { token: admin.apiKey });
    expect(closed.status).toBe(202);
    expect(ClosedDayView.parse(closed.body).symbols).toEqual(['PETR4', 'VALE3', 'ITUB4', 'BBDC4', 'ABEV3']);

    await until(async () => (await status(trader, day)) === 'expired');
    expect(await status(trader, gtc)).toBe('open');
    // 10 × 20.00 + 3 bps stays held for the GTC order only.
    await until(async () => {
      const wallet = WalletView.parse((await api.request('GET', '/api/me/wallet', { token: trader.apiKey })).body);
      return wallet.cash.held === '200.06';
    });
  });

  it('closes each day once its closing time has passed there, a missed one late, leaving the DAY orders recorded after its close', async () => {
    const closer = api.app.get(SessionCloser);
    // 09:00 in São Paulo on Monday the 5th: the close of Friday the 2nd was missed (nothing ran then), so it closes
    // now; the weekend between had no close.
    expect(await closer.tick(new Date('2026-01-05T12:00:00Z'))).toMatchObject({ tradingDay: '2026-01-02' });
    expect(await closer.tick(new Date('2026-01-05T20:59:00Z'))).toBeNull();
    // 18:00 there: the 5th closes, once.
    expect(await closer.tick(new Date('2026-01-05T21:00:30Z'))).toMatchObject({ tradingDay: '2026-01-05' });
    expect(await closer.tick(new Date('2026-01-05T23:59:00Z'))).toBeNull();
    // After midnight UTC it is still the evening of the 5th there.
    expect(await closer.tick(new Date('2026-01-06T02:00:00Z'))).toBeNull();

    // A DAY order recorded after the 7th's close (it is recorded now, in December) belongs to a later day: the 7th,
    // closed late, leaves it…
    const trader = await newTrader(api, 'late-close');
    const day = await place(trader, 'DAY');
    await until(async () => (await status(trader, day)) === 'open');
    expect(await closer.tick(new Date('2026-01-08T12:00:00Z'))).toMatchObject({ tradingDay: '2026-01-07' });
    // (the close reached ITUB4's book before an order sent after it did)
    const marker = await place(trader, 'GTC');
    await until(async () => (await status(trader, marker)) === 'open');
    expect(await status(trader, day)).toBe('open');
    // …and the close of a day after it was recorded expires it.
    expect(await closer.tick(new Date('2027-01-08T21:00:10Z'))).toMatchObject({ tradingDay: '2027-01-08' });
    await until(async () => (await status(trader, day)) === 'expired');

    const { rows } = await api.app.get(SqlPool).query<{ day: string }>(
      `SELECT to_char(trading_day, 'YYYY-MM-DD') AS day FROM market_sessions
          WHERE trading_day < '2026-02-01' OR trading_day > '2027-01-01' ORDER BY 1`,
    );
    expect(rows.map((row) => row.day)).toEqual(['2026-01-02', '2026-01-05', '2026-01-07', '2027-01-08']);
  });

  it("closes no weekend and no holiday: Friday's close stays the last until the next trading day's", async () => {
    const closer = api.app.get(SessionCloser);
    expect(await closer.tick(new Date('2026-02-13T21:00:30Z'))).toMatchObject({ tradingDay: '2026-02-13' });
    // Saturday, Sunday, and the Carnival's Monday and Tuesday, each after 18:00 there; Wednesday morning.
    for (const instant of [
      '2026-02-14T21:30:00Z',
      '2026-02-15T21:30:00Z',
      '2026-02-16T21:30:00Z',
      '2026-02-17T21:30:00Z',
      '2026-02-18T12:00:00Z',
    ])
      expect(await closer.tick(new Date(instant))).toBeNull();
    const { rows } = await api.app.get(SqlPool).query<{ day: string }>(
      `SELECT to_char(trading_day, 'YYYY-MM-DD') AS day FROM market_sessions
          WHERE trading_day BETWEEN '2026-02-01' AND '2026-02-28' ORDER BY 1`,
    );
    expect(rows.map((row) => row.day)).toEqual(['2026-02-13']);
    // Ash Wednesday trades: its close is the next.
    expect(await closer.tick(new Date('2026-02-18T21:00:30Z'))).toMatchObject({ tradingDay: '2026-02-18' });
  });

  it('leaves alone a day that closed before the exchange opened: nothing was traded, nothing to log', async () => {
    const closer = api.app.get(SessionCloser);
    const sql = api.app.get(SqlPool);
    const logged = async () =>
      (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_actions WHERE action = 'end_of_day'`))
        .rows[0]?.n;
    const before = await logged();
    // 09:00 in São Paulo on 2024-06-05, before the first account: the 4th's close is past, and was no trading day's.
    expect(await closer.tick(new Date('2024-06-05T12:00:00Z'))).toBeNull();
    // The 1st of January 2025 closed before the first account was opened, on the 2nd.
    expect(await closer.tick(new Date('2025-01-02T10:00:00Z'))).toBeNull();
    const { rows } = await sql.query(`SELECT 1 FROM market_sessions WHERE trading_day < '2025-01-02'`);
    expect(rows).toEqual([]);
    expect(await logged()).toBe(before);
    // The 2nd is the exchange's first day: its close is the first the clock makes.
    expect(await closer.tick(new Date('2025-01-02T21:00:30Z'))).toMatchObject({ tradingDay: '2025-01-02' });
    expect(await logged()).toBe(before! + 1);
  });

  it("sends every ticker stream each symbol's ticker afresh when a day closes, one read per symbol for all", async () => {
    const base = await api.listen();
    const tickersAfterClose = (events: SseEvent[]) => events.filter((event) => event.event === 'ticker').slice(5);
    const streams = [1, 2, 3].map(() =>
      readStream(`${base}/api/stream/tickers`, {
        sentFirst: (events) => events.filter((event) => event.event === 'ticker').length >= 5,
        done: (events) => tickersAfterClose(events).length >= 5,
      }),
    );
    // A market's own stream is told too, for a program that follows one market only.
    const market = readStream(`${base}/api/stream/markets/PETR4`, {
      done: (events) => events.some((event) => event.event === 'session'),
    });
    await Promise.all([...streams, market].map((stream) => stream.opened));
    const reads = vi.spyOn(api.app.get(MarketDataService), 'ticker');
    onTestFinished(() => reads.mockRestore());
    expect(await api.app.get(SessionCloser).tick(new Date('2029-05-02T21:00:30Z'))).toMatchObject({
      tradingDay: '2029-05-02',
    });
    for (const stream of streams) {
      const fresh = tickersAfterClose((await stream).events).map((event) => TickerView.parse(event.data).symbol);
      expect(fresh.sort()).toEqual(['ABEV3', 'BBDC4', 'ITUB4', 'PETR4', 'VALE3']);
    }
    // Each is told the session changed too, naming the day: pages read the calendar again.
    for (const stream of streams) {
      const sessions = (await stream).events.filter((event) => event.event === 'session');
      expect(sessions.map((event) => SessionChangeView.parse(event.data))).toEqual([{ tradingDay: '2029-05-02' }]);
    }
    const marketSessions = (await market).events.filter((event) => event.event === 'session');
    expect(marketSessions.map((event) => SessionChangeView.parse(event.data))).toEqual([{ tradingDay: '2029-05-02' }]);
    // Four streams, five symbols: five reads, not more.
    expect(reads.mock.calls.map(([symbol]) => symbol).sort()).toEqual(['ABEV3', 'BBDC4', 'ITUB4', 'PETR4', 'VALE3']);
  });

  it('sends again a close that was recorded but not sent (its process died in between), with the same cut-off', async () => {
    const closer = api.app.get(SessionCloser);
    const sql = api.app.get(SqlPool);
    const closes: EndOfDayCommand[] = [];
    const watcher = await watchCommands(api, `sessions-watch-${randomUUID()}`, (command) => {
      if (command.type === 'end_of_day') closes.push(command);
    });
    onTestFinished(() => watcher.disconnect());
    // What a process that died after recording the 2027-03-01 close, before Kafka had it, left behind.
    const traceId = 'f'.repeat(32);
    await sql.query(
      `INSERT INTO market_sessions (trading_day, trace_id, closes_until) VALUES ('2027-03-01', $1, '2027-03-01 21:00:00')`,
      [traceId],
    );
    expect(await closer.tick(new Date('2027-03-02T12:00:00Z'))).toMatchObject({ tradingDay: '2027-03-01', traceId });
    const resent = await until(async () => {
      const found = closes.filter((command) => command.traceId === traceId);
      return found.length === 5 ? found : undefined;
    });
    expect(new Set(resent.map((command) => command.closedAt))).toEqual(new Set([Date.parse('2027-03-01T21:00:00Z')]));
    // Without trading hours a close expires orders and ends no trading; it names its day (for GTD orders).
    expect(resent.every((command) => command.endsTrading === undefined && command.tradingDay === '2027-03-01')).toBe(
      true,
    );
    const sent = async (day: string) =>
      (
        await sql.query<{ sent: boolean; until: Date }>(
          `SELECT sent_at IS NOT NULL AS sent, closes_until AS until FROM market_sessions WHERE trading_day = $1`,
          [day],
        )
      ).rows;
    expect(await sent('2027-03-01')).toEqual([{ sent: true, until: new Date('2027-03-01T21:00:00Z') }]);
    // Marked sent: not sent again.
    expect(await closer.tick(new Date('2027-03-02T13:00:00Z'))).toBeNull();
    // A close the clock makes is recorded with its cut-off and marked sent as it goes.
    expect(await closer.tick(new Date('2027-03-03T21:00:10Z'))).toMatchObject({ tradingDay: '2027-03-03' });
    expect(await sent('2027-03-03')).toEqual([{ sent: true, until: new Date('2027-03-03T21:00:00Z') }]);
  });
});

describe('the trading calendar', () => {
  it('says when days close, the last close and the next, skipping weekends and holidays', async () => {
    const calendar = api.app.get(TradingCalendar);
    // Friday the 6th of June 2031 at 17:00 in São Paulo: today closes next.
    expect((await calendar.view(new Date('2031-06-06T20:00:00Z'))).nextClose).toEqual({
      tradingDay: '2031-06-06',
      at: '2031-06-06T21:00:00.000Z',
    });
    expect(await api.app.get(SessionCloser).tick(new Date('2031-06-06T21:00:30Z'))).toMatchObject({
      tradingDay: '2031-06-06',
    });
    // That Saturday: Friday closed last; Monday is a holiday, so Tuesday closes next.
    expect(await calendar.view(new Date('2031-06-07T15:00:00Z'))).toEqual({
      timeZone: 'America/Sao_Paulo',
      opensAt: null,
      closesAt: '18:00',
      open: true,
      auctionMinutes: 0,
      closingCallMinutes: 0,
      reopeningSeconds: 0,
      auction: null,
      auctionEndsAt: null,
      closedEarly: false,
      nextOpen: null,
      weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      holidays: ['2031-06-09'],
      lateOpenings: [],
      lastClose: { tradingDay: '2031-06-06', at: '2031-06-06T21:00:00.000Z' },
      nextClose: { tradingDay: '2031-06-10', at: '2031-06-10T21:00:00.000Z' },
    });
  });

  it('is public: GET /api/calendar, the holidays of the coming year, the next close ahead', async () => {
    const response = await api.request('GET', '/api/calendar');
    expect(response.status).toBe(200);
    const view = TradingCalendarView.parse(response.body);
    // This exchange's only holiday to come is more than a year away.
    expect(view.holidays).toEqual([]);
    const calendar = api.app.get(TradingCalendar);
    expect((await calendar.view(new Date('2030-06-09T12:00:00Z'))).holidays).toEqual([]);
    expect((await calendar.view(new Date('2030-06-10T12:00:00Z'))).holidays).toEqual(['2031-06-09']);
    expect(Date.parse(view.nextClose!.at)).toBeGreaterThan(Date.now());
    expect([1, 2, 3, 4, 5]).toContain(new Date(`${view.nextClose!.tradingDay}T12:00:00Z`).getUTCDay());
  });
});
