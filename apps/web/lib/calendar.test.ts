import type { TradingCalendarView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { closeText, dayOrderExpiry, refreshDelayMs } from './calendar';

const calendar: TradingCalendarView = {
  timeZone: 'America/Sao_Paulo',
  closesAt: '18:00',
  weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  holidays: [],
  lastClose: { tradingDay: '2026-12-04', at: '2026-12-04T21:00:00.000Z' },
  nextClose: { tradingDay: '2026-12-07', at: '2026-12-07T21:00:00.000Z' },
};

describe('the calendar in words', () => {
  it("shows a close in the exchange's time zone, whatever the browser's", () => {
    expect(closeText(calendar.nextClose!, 'America/Sao_Paulo')).toBe('seg., 07/12, 18:00 BRT');
    expect(closeText(calendar.nextClose!, 'Asia/Tokyo')).toBe('ter., 08/12, 06:00 GMT+9');
  });

  it('says what a DAY order lives until', () => {
    expect(dayOrderExpiry(calendar)).toBe('Expira no encerramento de seg., 07/12, 18:00 BRT.');
    expect(dayOrderExpiry({ ...calendar, closesAt: null, nextClose: null })).toBe(
      'Expira quando a bolsa encerrar o pregão.',
    );
    expect(dayOrderExpiry(null)).toBe('Expira no encerramento do pregão.');
  });

  it('asks again just after the next close, and at least hourly', () => {
    const close = Date.parse(calendar.nextClose!.at);
    expect(refreshDelayMs(calendar, close - 60_000)).toBe(95_000);
    expect(refreshDelayMs(calendar, close + 60_000)).toBe(1_000);
    expect(refreshDelayMs(calendar, close - 3 * 86_400_000)).toBe(3_600_000);
    expect(refreshDelayMs({ ...calendar, nextClose: null }, close)).toBeNull();
  });
});
