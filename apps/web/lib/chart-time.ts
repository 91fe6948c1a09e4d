/**
 * lightweight-charts draws every time as if it were UTC, so a chart handed UTC times shows a trader in São Paulo
 * 12:53 for a trade the rest of the screen lists at 09:53. The chart is handed times moved by the trader's time
 * zone offset instead (what the library's documentation suggests). One offset, the one in force when the chart
 * opens, moves every bar: the chart refuses times that go back, which an offset per bar would make at a daylight
 * saving change; bars from before such a change are an hour off.
 */
export type ChartTime = number & { readonly __chartTime: never };

/** The browser's offset now, in minutes as `Date#getTimezoneOffset` gives it (UTC minus local: 180 in São Paulo). */
export function localOffsetMinutes(): number {
  return new Date().getTimezoneOffset();
}

/** Where the chart draws the instant `utcMs`: its seconds, moved to the trader's wall clock. */
export function chartTime(utcMs: number, offsetMinutes: number): ChartTime {
  return (Math.floor(utcMs / 1000) - offsetMinutes * 60) as ChartTime;
}

/**
 * The chart time of the bar an instant falls in: bars start on whole multiples of the interval in UTC, as the API's
 * candles do (the same local minutes and hours for a zone a whole number of hours from UTC).
 */
export function barTime(utcMs: number, intervalSeconds: number, offsetMinutes: number): ChartTime {
  const intervalMs = intervalSeconds * 1000;
  return chartTime(Math.floor(utcMs / intervalMs) * intervalMs, offsetMinutes);
}
