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
