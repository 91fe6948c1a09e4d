import type { TradingCalendarView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import {
  closedText,
  closeText,
  dayOrderExpiry,
  firstGoodTillDay,
  lastGoodTillDay,
  goodTillProblem,
  goodTillExpiry,
  auctionText,
  instantText,
  instrumentSessionText,
  refreshDelayMs,
  reopeningOf,
  sessionText,
} from './calendar';
import { B3_CALENDAR } from './calendar-fixture';
import { tickerWith } from './ticker-fixture';

const calendar = B3_CALENDAR;

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

  it('says when the exchange is closed and when it opens, in its time zone', () => {
    expect(closedText(calendar)).toBeNull();
    expect(closedText(null)).toBeNull();
    const closed = { ...calendar, opensAt: '10:00', open: false, nextOpen: '2026-12-07T13:00:00.000Z' };
    expect(closedText(closed)).toBe(
      'Pregão fechado: novas ordens só no horário de negociação. Abre seg., 07/12, 10:00 BRT. Cancelamentos continuam.',
    );
    expect(instantText('2026-12-07T13:00:00.000Z', 'Asia/Tokyo')).toBe('seg., 07/12, 22:00 GMT+9');
  });

  it('says whether the exchange is open and until when, when it has trading hours', () => {
    expect(sessionText(calendar)).toBeNull();
    expect(sessionText(null)).toBeNull();
    expect(sessionText({ ...calendar, opensAt: '10:00' })).toBe('Pregão aberto: fecha seg., 07/12, 18:00 BRT');
    const closed = { ...calendar, opensAt: '10:00', open: false, nextOpen: '2026-12-07T13:00:00.000Z' };
    expect(sessionText(closed)).toBe('Pregão fechado: abre seg., 07/12, 10:00 BRT');
  });

  it('says when the pre-opening auction ends, what it does with orders, and asks again once it has', () => {
    const auction = {
      ...calendar,
      opensAt: '10:00',
      auctionMinutes: 15,
      auction: 'opening' as const,
      auctionEndsAt: '2026-12-07T13:00:00.000Z',
    };
    expect(sessionText(auction)).toBe('Leilão de pré-abertura: abre seg., 07/12, 10:00 BRT');
    expect(auctionText(auction)).toMatch(
      /^Leilão de pré-abertura até seg., 07\/12, 10:00 BRT: as ordens ficam no livro/,
    );
    expect(auctionText({ ...auction, auctionEndsAt: null })).toBeNull();
    expect(refreshDelayMs(auction, Date.parse('2026-12-07T12:50:00.000Z'))).toBe(601_000);
    const closing = { ...auction, auction: 'closing' as const, auctionEndsAt: '2026-12-07T21:00:00.000Z' };
    expect(sessionText(closing)).toBe('Leilão de fechamento: fecha seg., 07/12, 18:00 BRT');
    expect(auctionText(closing)).toMatch(/^Leilão de fechamento até seg., 07\/12, 18:00 BRT: .* o de fechamento\./);
    // An instrument reopening after a halt is in its own auction, in the exchange's continuous trading.
    expect(auctionText(calendar, '2026-12-07T18:15:00.000Z')).toMatch(
      /^Leilão de reabertura até seg., 07\/12, 15:15 BRT: depois da suspensão, as ordens ficam no livro/,
    );
    expect(auctionText(closing, '2026-12-07T18:15:00.000Z')).toBe(auctionText(closing));
    // Or in a volatility auction: an order would have traded beyond its tunnel.
    expect(auctionText(calendar, '2026-12-07T18:15:00.000Z', 'volatility')).toMatch(
      /^Leilão de volatilidade até seg., 07\/12, 15:15 BRT: o preço ia além do limite de oscilação do papel, as ordens/,
    );
  });

  it("says an instrument's own session before the exchange's: halted, or reopening until when", () => {
    const now = Date.parse('2026-12-07T18:00:00.000Z');
    const hours = { ...calendar, opensAt: '10:00' };
    expect(instrumentSessionText(hours, tickerWith({ halted: true }), now)).toBe('Negociação suspensa');
    const reason = 'Aguardando fato relevante';
    expect(instrumentSessionText(hours, tickerWith({ halted: true, haltReason: reason }), now)).toBe(
      'Negociação suspensa: Aguardando fato relevante',
    );
    // A halt wins over a reopening the ticker still names (halted again in its call).
    const haltedInCall = tickerWith({ halted: true, haltReason: null, reopensAt: '2026-12-07T18:15:00.000Z' });
    expect(instrumentSessionText(hours, haltedInCall, now)).toBe('Negociação suspensa');
    expect(instrumentSessionText(hours, tickerWith({ reopensAt: '2026-12-07T18:15:00.000Z' }), now)).toBe(
      'Leilão de reabertura: reabre seg., 07/12, 15:15 BRT',
    );
    const volatile = tickerWith({ reopensAt: '2026-12-07T18:15:00.000Z', callAuction: 'volatility' });
    expect(instrumentSessionText(hours, volatile, now)).toBe('Leilão de volatilidade: reabre seg., 07/12, 15:15 BRT');
    expect(instrumentSessionText(hours, tickerWith(), now)).toBe(sessionText(hours));
    expect(instrumentSessionText(calendar, tickerWith(), now)).toBeNull();
  });

  it("takes an instrument's reopening from its ticker while it has not ended", () => {
    const ticker = tickerWith({ reopensAt: '2026-12-07T18:15:00.000Z' });
    expect(reopeningOf(ticker, Date.parse('2026-12-07T18:14:59.000Z'))).toBe('2026-12-07T18:15:00.000Z');
    expect(reopeningOf(ticker, Date.parse('2026-12-07T18:15:00.000Z'))).toBeNull();
    expect(reopeningOf(tickerWith({ reopensAt: null }))).toBeNull();
    // From an older server, which says nothing of reopenings.
    expect(reopeningOf(tickerWith())).toBeNull();
    expect(reopeningOf(null)).toBeNull();
  });

  it('asks again just after the exchange opens, and just after its trading hours end', () => {
    const close = Date.parse(calendar.nextClose!.at);
    const open = { ...calendar, opensAt: '10:00' };
    // Open: when the hours end (refused from then on), then when the clock has recorded the close.
    expect(refreshDelayMs(open, close - 60_000)).toBe(61_000);
    expect(refreshDelayMs(open, close + 2_000)).toBe(33_000);
    const opens = Date.parse('2026-12-07T13:00:00.000Z');
    const closed = { ...open, open: false, nextOpen: '2026-12-07T13:00:00.000Z' };
    expect(refreshDelayMs(closed, opens - 10_000)).toBe(11_000);
  });

  it("tells a GTD order's day the API would refuse, as far as the calendar says", () => {
    const withHoliday = { ...calendar, holidays: ['2026-12-24'] };
    // Monday the 7th at 09:00 in São Paulo, before that day's close.
    const monday = Date.parse('2026-12-07T12:00:00Z');
    const problem = (day: string, of: TradingCalendarView | null = withHoliday) => goodTillProblem(day, of, monday);
    // The next close is Monday the 7th's.
    expect(problem('2026-12-04')).toBe('past');
    expect(problem('2026-12-07')).toBeNull();
    expect(problem('2026-12-12')).toBe('not_a_trading_day');
    expect(problem('2026-12-24')).toBe('not_a_trading_day');
    expect(problem('2027-12-07')).toBeNull();
    expect(problem('2027-12-08')).toBe('too_far');
    // Without a clock (days close when an administrator says) nothing is known ahead.
    expect(problem('2026-12-12', { ...calendar, nextClose: null })).toBeNull();
    expect(problem('2026-12-12', null)).toBeNull();
  });

  it('says what a GTD order lives until, and from which day to which one can be placed', () => {
    expect(firstGoodTillDay(calendar)).toBe('2026-12-07');
    expect(firstGoodTillDay({ ...calendar, nextClose: null })).toBeNull();
    // A year on from today in São Paulo, where 01:00 UTC on the 8th is still the 7th.
    expect(lastGoodTillDay(calendar, Date.parse('2026-12-08T01:00:00Z'))).toBe('2027-12-07');
    expect(lastGoodTillDay(null)).toBeNull();
    expect(goodTillExpiry('2026-12-11', calendar)).toBe('Expira no encerramento do pregão de 11/12/2026, às 18:00.');
    expect(goodTillExpiry('2026-12-11', { ...calendar, closesAt: null })).toBe(
      'Expira quando a bolsa encerrar o pregão de 11/12/2026.',
    );
  });
});
