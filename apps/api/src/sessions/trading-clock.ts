/** When the exchange's trading day closes: a wall-clock time in a time zone (B3: 18:00 in São Paulo). */
export interface MarketClose {
  /** Minutes after local midnight. */
  readonly minute: number;
  readonly timeZone: string;
}

/** `HH:MM` → minutes after midnight, or null when it is not a time of day. */
export function parseTimeOfDay(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match === null ? null : Number(match[1]) * 60 + Number(match[2]);
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The local date (`YYYY-MM-DD`) and minute of the day at `now` in `timeZone`. */
export function localTime(now: Date, timeZone: string): { day: string; minute: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((entry) => entry.type === type)?.value ?? '00';
  return {
    day: `${part('year')}-${part('month')}-${part('day')}`,
    minute: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

/** The day before a `YYYY-MM-DD` day. */
function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** The trading day whose close is the latest to have passed at `now`: today's once its closing time is past. */
export function lastClosedDay(now: Date, close: MarketClose): string {
  const local = localTime(now, close.timeZone);
  return local.minute >= close.minute ? local.day : dayBefore(local.day);
}

/** The instant a trading day closes: its closing time on its date in the exchange's time zone. */
export function closingInstant(day: string, close: MarketClose): Date {
  const asIfUtc = Date.parse(`${day}T00:00:00Z`) + close.minute * 60_000;
  // The zone's offset then: what its clocks showed at that UTC instant, against the instant itself.
  const shown = localTime(new Date(asIfUtc), close.timeZone);
  const offset = Date.parse(`${shown.day}T00:00:00Z`) + shown.minute * 60_000 - asIfUtc;
  return new Date(asIfUtc - offset);
}
