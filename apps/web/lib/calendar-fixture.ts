import type { TradingCalendarView } from '@bolsa/contracts';

/** B3's calendar as the API gives it on the weekend of 5–6 December 2026: its next close Monday the 7th's, 18:00. */
export const B3_CALENDAR: TradingCalendarView = {
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
  holidays: [],
  lateOpenings: [],
  lastClose: { tradingDay: '2026-12-04', at: '2026-12-04T21:00:00.000Z' },
  nextClose: { tradingDay: '2026-12-07', at: '2026-12-07T21:00:00.000Z' },
};
