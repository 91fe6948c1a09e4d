import type { OrderCommand } from '@bolsa/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.js';
import type { PgNotifications } from '../database/pg-notifications.js';
import type { SqlPool } from '../database/sql-pool.js';
import type { CommandPublisher } from '../messaging/kafka.js';
import { ApiLogger } from '../observability/logger.js';
import { ApiMetrics } from '../observability/metrics.js';
import { InstrumentRegistry } from './instrument-registry.js';
import { ReopeningCalls } from './reopening-calls.js';
import { ReopeningOpener } from './reopening-opener.js';

/** `reopening_calls` as the two use it: read whole, and a row taken out once its end is sent. */
class ReopeningRows {
  readonly rows = new Map<string, Date>();
  /** How many reads to refuse, as a database going away would. */
  readFailures = 0;
  query(text: string, values: unknown[] = []): Promise<{ rows: unknown[] }> {
    if (text.startsWith('DELETE')) {
      const [symbol, endsAt] = values as [string, Date];
      if (this.rows.get(symbol)?.getTime() === endsAt.getTime()) this.rows.delete(symbol);
      return Promise.resolve({ rows: [] });
    }
    if (this.readFailures > 0) {
      this.readFailures--;
      return Promise.reject(new Error('the database is away'));
    }
    return Promise.resolve({ rows: [...this.rows].map(([symbol, endsAt]) => ({ symbol, ends_at: endsAt })) });
  }
}

class Publisher {
  readonly delivered: OrderCommand[] = [];
  failures = 0;
  deliver(command: OrderCommand): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('Kafka is away'));
    }
    this.delivered.push(command);
    return Promise.resolve();
  }
}

function setUp() {
  const config = loadConfig({ DATABASE_URL: 'postgresql://unused@127.0.0.1/unused', MARKET_REOPENING_SECONDS: '60' });
  const table = new ReopeningRows();
  const sql = table as unknown as SqlPool;
  const reopenings = new ReopeningCalls(sql, {} as PgNotifications, new InstrumentRegistry(config), new ApiMetrics());
  const publisher = new Publisher();
  const opener = new ReopeningOpener(
    config,
    sql,
    publisher as unknown as CommandPublisher,
    new ApiLogger('silent'),
    reopenings,
  );
  opener.onModuleInit();
  opener.onApplicationBootstrap();
  return { table, reopenings, publisher, opener };
}

const openings = (publisher: Publisher) =>
  publisher.delivered.map((command) => (command.type === 'open_trading' ? [command.symbol, command.opensAt] : []));

afterEach(() => {
  vi.useRealTimers();
});

describe('ReopeningOpener', () => {
  it('sends each reopening’s end on a timer set for it, then takes its row out', async () => {
    vi.useFakeTimers({ now: new Date('2026-02-13T15:00:00Z') });
    const { table, reopenings, publisher, opener } = setUp();
    const first = new Date('2026-02-13T15:00:10Z');
    const second = new Date('2026-02-13T15:00:30Z');
    table.rows.set('PETR4', second);
    table.rows.set('VALE3', first);
    await reopenings.refresh();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(publisher.delivered).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(openings(publisher)).toEqual([['VALE3', first.getTime()]]);
    expect(publisher.delivered[0]).toMatchObject({ type: 'open_trading', tradingDay: '2026-02-13' });
    expect([...table.rows.keys()]).toEqual(['PETR4']);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(openings(publisher)).toEqual([
      ['VALE3', first.getTime()],
      ['PETR4', second.getTime()],
    ]);
    expect(table.rows.size).toBe(0);
    await opener.onModuleDestroy();
  });

  it('sends at once the ends passed while no process sent them, and tries again when the send fails', async () => {
    vi.useFakeTimers({ now: new Date('2026-02-13T15:00:00Z') });
    const { table, reopenings, publisher, opener } = setUp();
    const passed = new Date('2026-02-13T14:59:00Z');
    table.rows.set('ITUB4', passed);
    publisher.failures = 1;
    await reopenings.refresh();
    await vi.advanceTimersByTimeAsync(0);
    expect(publisher.delivered).toEqual([]);
    expect(table.rows.has('ITUB4')).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(openings(publisher)).toEqual([['ITUB4', passed.getTime()]]);
    expect(table.rows.size).toBe(0);
    await opener.onModuleDestroy();
  });

  it('answers an end it sent even when reading the reopenings again then fails, rather than rejecting', async () => {
    const { table, reopenings, opener } = setUp();
    // Its timers stopped: the test sends the end itself.
    await opener.onModuleDestroy();
    table.rows.set('VALE3', new Date(Date.now() - 1_000));
    await reopenings.refresh();
    table.readFailures = 1;
    await expect(opener.tick()).resolves.toEqual(['VALE3']);
    expect(table.rows.size).toBe(0);
    await reopenings.refresh();
    expect(reopenings.all.size).toBe(0);
  });
});
