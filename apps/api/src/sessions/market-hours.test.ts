import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { MarketHours } from './market-hours.js';

const B3 = { DATABASE_URL: 'postgresql://x/y', MARKET_CLOSE: '18:00', MARKET_TIMEZONE: 'America/Sao_Paulo' };
const hours = (environment: Record<string, string>) =>
  new MarketHours(loadConfig({ ...B3, ...environment }), new Set());

describe('MarketHours', () => {
  it("knows a trading day is not over until its closing time, its opening still ahead too (an administrator's reopening)", () => {
    const b3 = hours({ MARKET_OPEN: '10:00' });
    // Friday 13 February 2026 in São Paulo (UTC-3).
    const friday = (time: string) => new Date(`2026-02-13T${time}Z`);
    expect(b3.isOpen(friday('11:00:00'))).toBe(false);
    expect(b3.dayNotOver(friday('11:00:00'))).toBe(true);
    expect(b3.dayNotOver(friday('20:59:59'))).toBe(true);
    expect(b3.dayNotOver(friday('21:00:00'))).toBe(false);
    // Saturday, and without trading hours: no day to reopen.
    expect(b3.dayNotOver(new Date('2026-02-14T15:00:00Z'))).toBe(false);
    expect(hours({}).dayNotOver(friday('15:00:00'))).toBe(false);
  });
});

describe('MarketHours.reopeningEnd', () => {
  // Friday 13 February 2026 in São Paulo (UTC-3): a pre-opening from 09:45, continuous trading from 10:00, the
  // closing call from 17:55, the close at 18:00.
  const friday = (time: string) => new Date(`2026-02-13T${time}Z`);
  const b3 = hours({
    MARKET_OPEN: '10:00',
    MARKET_PREOPENING_MINUTES: '15',
    MARKET_CLOSING_CALL_MINUTES: '5',
    MARKET_REOPENING_SECONDS: '900',
  });

  it('gives a resumption in continuous trading its reopening call, cut short where the closing call starts', () => {
    expect(b3.reopeningEnd(friday('15:00:00'))).toEqual(friday('15:15:00'));
    expect(b3.reopeningEnd(friday('20:50:00'))).toEqual(friday('20:55:00'));
  });

  it('resumes at once in the day’s own auctions, while closed, and when no reopening call is set', () => {
    expect(b3.reopeningEnd(friday('12:50:00'))).toBeNull();
    expect(b3.reopeningEnd(friday('20:56:00'))).toBeNull();
    expect(b3.reopeningEnd(friday('22:00:00'))).toBeNull();
    expect(b3.reopeningEnd(new Date('2026-02-14T15:00:00Z'))).toBeNull();
    expect(hours({ MARKET_OPEN: '10:00' }).reopeningEnd(friday('15:00:00'))).toBeNull();
  });

  it('lasts its full length on an exchange without trading hours', () => {
    const anyHour = new MarketHours(
      loadConfig({ DATABASE_URL: 'postgresql://x/y', MARKET_CLOSE: 'off', MARKET_REOPENING_SECONDS: '120' }),
      new Set(),
    );
    expect(anyHour.reopeningEnd(new Date('2026-02-14T03:00:00Z'))).toEqual(new Date('2026-02-14T03:02:00Z'));
  });
});
