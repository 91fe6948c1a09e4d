import { prettyFactory } from 'pino-pretty';

/** How the launcher shows its apps' pino lines: as they are (JSON), or readable in a terminal. */
export type LogFormat = 'auto' | 'pretty' | 'json';

/**
 * Turns one line an app wrote into what the launcher prints after the app's name. The apps log JSON (pino), which
 * is what log collectors want and what a person at a terminal cannot read at four requests a second: `pretty` shows
 * a pino line as its time, level and message on one line, with the rest of its fields after them, and leaves any
 * other line (Next.js's, a stack trace) as it is. `auto` is `pretty` when the launcher writes to a terminal.
 */
export function lineFormatter(format: LogFormat, terminal: boolean, colours = terminal): (line: string) => string {
  if (format === 'json' || (format === 'auto' && !terminal)) return (line) => line;
  const pretty = prettyFactory({
    colorize: colours,
    translateTime: 'SYS:HH:MM:ss.l',
    // The launcher names the app already; pid and host say nothing on one machine.
    ignore: 'pid,hostname,name',
    singleLine: true,
  });
  return (line) => {
    if (!line.startsWith('{')) return line;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      return line;
    }
    if (!isPinoRecord(record)) return line;
    return pretty(record)
      .trimEnd()
      .split('\n')
      .map((part) => part.trimEnd())
      .join('\n');
  };
}

function isPinoRecord(value: unknown): value is { level: number; time: number } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { level?: unknown }).level === 'number' &&
    typeof (value as { time?: unknown }).time === 'number'
  );
}
