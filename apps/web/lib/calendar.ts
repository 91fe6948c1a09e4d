import {
  aYearOn,
  goodTillProblem as goodTillProblemOf,
  type GoodTillProblem,
  type TickerView,
  type TradingCalendarView,
  type TradingDayClose,
} from '@bolsa/contracts';
import { formatDay } from './format';

/**
 * An instant as the clocks of `timeZone` show it (the browser's when none is given), saying which zone that is:
 * `seg., 07/12, 18:00 BRT`.
 */
export function instantText(at: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('pt-BR', {
    ...(timeZone === undefined ? {} : { timeZone }),
    weekday: 'short',
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZoneName: 'short',
  }).format(new Date(at));
}

/** A close as the exchange's clocks show it, whatever the browser's time zone. */
export function closeText(close: TradingDayClose, timeZone: string): string {
  return instantText(close.at, timeZone);
}

/** While the exchange takes no new orders (outside its trading hours), that and when it opens; null while open. */
export function closedText(calendar: TradingCalendarView | null): string | null {
  if (calendar === null || calendar.open) return null;
  const opens = calendar.nextOpen === null ? '' : ` Abre ${instantText(calendar.nextOpen, calendar.timeZone)}.`;
  return `Pregão fechado: novas ordens só no horário de negociação.${opens} Cancelamentos continuam.`;
}

/** With trading hours, whether the exchange is open and until when, or when it opens; null without them. */
export function sessionText(calendar: TradingCalendarView | null): string | null {
  if (calendar === null || calendar.opensAt === null) return null;
  if (calendar.auctionEndsAt !== null) {
    const ends = instantText(calendar.auctionEndsAt, calendar.timeZone);
    return calendar.auction === 'closing'
      ? `Leilão de fechamento: fecha ${ends}`
      : `Leilão de pré-abertura: abre ${ends}`;
  }
  if (!calendar.open) {
    return calendar.nextOpen === null
      ? 'Pregão fechado'
      : `Pregão fechado: abre ${instantText(calendar.nextOpen, calendar.timeZone)}`;
  }
  return calendar.nextClose === null
    ? 'Pregão aberto'
    : `Pregão aberto: fecha ${closeText(calendar.nextClose, calendar.timeZone)}`;
}

/** An instrument's own call auction: its reopening after a halt, or a volatility auction. */
export type InstrumentCall = NonNullable<TickerView['callAuction']>;

const INSTRUMENT_CALLS: Record<InstrumentCall, { name: string; why: string }> = {
  reopening: { name: 'Leilão de reabertura', why: 'depois da suspensão' },
  volatility: { name: 'Leilão de volatilidade', why: 'o preço ia além do limite de oscilação do papel' },
};

/** Which of its own call auctions an instrument is in, as its ticker says (an older server's: a reopening). */
export function instrumentCallOf(ticker: TickerView | null | undefined): InstrumentCall {
  return ticker?.callAuction ?? 'reopening';
}

/** The name of an instrument's own call auction: "Leilão de reabertura", "Leilão de volatilidade". */
export function instrumentCallName(call: InstrumentCall): string {
  return INSTRUMENT_CALLS[call].name;
}

/**
 * During a call auction (the pre-opening, the closing call, or the instrument's own: its reopening after a halt or a
 * volatility auction, `call`, ending at `reopensAt`), what it means for an order placed now; null at other times. The
 * auction's own refusals are the ticket's (see `checkTicket`).
 */
export function auctionText(
  calendar: TradingCalendarView | null,
  reopensAt: string | null = null,
  call: InstrumentCall = 'reopening',
): string | null {
  if ((calendar?.auctionEndsAt ?? null) === null && reopensAt !== null) {
    const { name, why } = INSTRUMENT_CALLS[call];
    return (
      `${name} até ${instantText(reopensAt, calendar?.timeZone)}: ${why}, as ordens ficam ` +
      'no livro sem negociar, e no fim do leilão o que cruzar negocia a um só preço, o teórico do livro. Ordens a ' +
      'mercado, IOC, FOK e post-only só depois.'
    );
  }
  if (calendar === null || calendar.auctionEndsAt === null) return null;
  const ends = instantText(calendar.auctionEndsAt, calendar.timeZone);
  return calendar.auction === 'closing'
    ? `Leilão de fechamento até ${ends}: as ordens ficam no livro sem negociar, e no encerramento o que cruzar ` +
        'negocia a um só preço, o de fechamento. Ordens a mercado, IOC, FOK e post-only não entram.'
    : `Leilão de pré-abertura até ${ends}: as ordens ficam no livro sem negociar, e na abertura o que cruzar ` +
        'negocia a um só preço, o teórico do livro. Ordens a mercado, IOC, FOK e post-only só depois.';
}

/**
 * An instrument's session in a few words: halted, reopening in a call until when, or the exchange's own session
 * (`sessionText`); null when there is nothing to say (no trading hours, and trading).
 */
export function instrumentSessionText(
  calendar: TradingCalendarView | null,
  ticker: TickerView | null | undefined,
  now = Date.now(),
): string | null {
  const halt = haltText(ticker);
  if (halt !== null) return halt;
  const reopensAt = reopeningOf(ticker, now);
  if (reopensAt !== null) {
    return `${instrumentCallName(instrumentCallOf(ticker))}: reabre ${instantText(reopensAt, calendar?.timeZone)}`;
  }
  return sessionText(calendar);
}

/** Whether trading in an instrument is suspended, and why when the administrator said; null while it trades. */
export function haltText(ticker: TickerView | null | undefined): string | null {
  if (ticker?.halted !== true) return null;
  const reason = ticker.haltReason ?? null;
  return reason === null ? 'Negociação suspensa' : `Negociação suspensa: ${reason}`;
}

/** When the reopening call auction an instrument is in after a halt ends; null when it is in none (or it has ended). */
export function reopeningOf(ticker: TickerView | null | undefined, now = Date.now()): string | null {
  const reopensAt = ticker?.reopensAt ?? null;
  return reopensAt !== null && Date.parse(reopensAt) > now ? reopensAt : null;
}

/** What a DAY order placed now lives until, in words. */
export function dayOrderExpiry(calendar: TradingCalendarView | null): string {
  if (calendar === null) return 'Expira no encerramento do pregão.';
  if (calendar.nextClose === null) return 'Expira quando a bolsa encerrar o pregão.';
  return `Expira no encerramento de ${closeText(calendar.nextClose, calendar.timeZone)}.`;
}

/** The first day a GTD order placed now can be good till: the next the exchange closes; null when not known. */
export function firstGoodTillDay(calendar: TradingCalendarView | null): string | null {
  return calendar?.nextClose?.tradingDay ?? null;
}

/** The last day a GTD order placed at `now` can be good till: a year on from today on the exchange's clocks. */
export function lastGoodTillDay(calendar: TradingCalendarView | null, now = Date.now()): string | null {
  return calendar === null ? null : aYearOn(exchangeToday(calendar, now));
}

/** Today on the exchange's clocks, `YYYY-MM-DD`. */
function exchangeToday(calendar: TradingCalendarView, now: number): string {
  // en-CA writes a date as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: calendar.timeZone }).format(now);
}

const WEEKDAY_OF = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * The API's reason for refusing `day` as a GTD order's last day (`goodTillProblem`), as far as the calendar tells: its
 * weekdays and the holidays of the coming year it lists, the next close's day, and today on the exchange's clocks at
 * `now`; null when it looks right, or without a calendar or a clock closing days.
 */
export function goodTillProblem(
  day: string,
  calendar: TradingCalendarView | null,
  now = Date.now(),
): GoodTillProblem | null {
  const firstDay = calendar?.nextClose?.tradingDay;
  if (calendar === null || firstDay === undefined) return null;
  const today = exchangeToday(calendar, now);
  return goodTillProblemOf(day, {
    firstDay,
    today,
    isTradingDay: (candidate) => {
      const weekday = WEEKDAY_OF[new Date(`${candidate}T00:00:00Z`).getUTCDay()];
      return weekday !== undefined && calendar.weekdays.includes(weekday) && !calendar.holidays.includes(candidate);
    },
  });
}

/** What a GTD order good till `day` (`YYYY-MM-DD`) lives until, in words. */
export function goodTillExpiry(day: string, calendar: TradingCalendarView | null): string {
  const date = formatDay(day);
  return calendar?.closesAt === null || calendar === null
    ? `Expira quando a bolsa encerrar o pregão de ${date}.`
    : `Expira no encerramento do pregão de ${date}, às ${calendar.closesAt}.`;
}

/**
 * When the calendar is worth asking for again: just after the exchange opens or its trading hours end, and just
 * after its next close is recorded (the clock looks every 30 s).
 */
export function refreshDelayMs(calendar: TradingCalendarView, now: number): number | null {
  const moments: number[] = [];
  if (calendar.nextClose !== null) {
    const close = Date.parse(calendar.nextClose.at);
    moments.push(close + 35_000);
    if (calendar.opensAt !== null) moments.push(close + 1_000);
  }
  if (calendar.nextOpen !== null) moments.push(Date.parse(calendar.nextOpen) + 1_000);
  if (calendar.auctionEndsAt !== null) moments.push(Date.parse(calendar.auctionEndsAt) + 1_000);
  if (moments.length === 0) return null;
  const ahead = moments.filter((moment) => moment > now);
  const next = ahead.length === 0 ? Math.max(...moments) : Math.min(...ahead);
  // A timer cannot wait more than ~24 days; an hour at most keeps a page open over a holiday right too.
  return Math.min(Math.max(next - now, 1_000), 3_600_000);
}
