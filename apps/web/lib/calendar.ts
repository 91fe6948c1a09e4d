import type { TradingCalendarView, TradingDayClose } from '@bolsa/contracts';

/**
 * A close as the exchange's clocks show it, whatever the browser's time zone, and saying which zone that is:
 * `seg., 07/12, 18:00 BRT`.
 */
export function closeText(close: TradingDayClose, timeZone: string): string {
  return new Intl.DateTimeFormat('pt-BR', {
    timeZone,
    weekday: 'short',
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZoneName: 'short',
  }).format(new Date(close.at));
}

/** What a DAY order placed now lives until, in words. */
export function dayOrderExpiry(calendar: TradingCalendarView | null): string {
  if (calendar === null) return 'Expira no encerramento do pregão.';
  if (calendar.nextClose === null) return 'Expira quando a bolsa encerrar o pregão.';
  return `Expira no encerramento de ${closeText(calendar.nextClose, calendar.timeZone)}.`;
}

/** When the calendar is worth asking for again: just after its next close is made (the clock looks every 30 s). */
export function refreshDelayMs(calendar: TradingCalendarView, now: number): number | null {
  if (calendar.nextClose === null) return null;
  const afterClose = Date.parse(calendar.nextClose.at) + 35_000 - now;
  // A timer cannot wait more than ~24 days; an hour at most keeps a page open over a holiday right too.
  return Math.min(Math.max(afterClose, 1_000), 3_600_000);
}
