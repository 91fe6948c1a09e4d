import { describe, expect, it } from 'vitest';
import { lineFormatter } from '../src/log-lines.js';

const TIME = Date.UTC(2026, 11, 7, 9, 30, 15, 42);
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
// pino-pretty prints the machine's local time, as the terminal's reader sees it.
const local = new Date(TIME);
const shownTime = `${pad(local.getHours())}:${pad(local.getMinutes())}:${pad(local.getSeconds())}.${pad(local.getMilliseconds(), 3)}`;

const request = JSON.stringify({
  level: 30,
  time: TIME,
  pid: 3746,
  hostname: 'vm',
  name: 'api',
  traceId: '726522c8',
  method: 'POST',
  route: '/api/orders',
  status: 202,
  ms: 1.8,
  msg: 'request',
});

describe("the launcher's log lines", () => {
  it('shows a pino line as its time, level and message, then its other fields, without pid, host or app name', () => {
    const shown = lineFormatter('pretty', false, false)(request);
    expect(shown).toBe(
      `[${shownTime}] INFO: request {"traceId":"726522c8","method":"POST","route":"/api/orders","status":202,"ms":1.8}`,
    );
  });

  it("shows an error's stack on the lines after it", () => {
    const failure = JSON.stringify({
      level: 50,
      time: TIME,
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at settle (settlement.js:10:5)' },
      msg: 'ingestion failed',
    });
    const lines = lineFormatter('pretty', false, false)(failure).split('\n');
    expect(lines[0]).toBe(`[${shownTime}] ERROR: ingestion failed`);
    expect(lines.some((line) => line.includes('at settle (settlement.js:10:5)'))).toBe(true);
  });

  it('leaves lines that are not pino records as they are', () => {
    const format = lineFormatter('pretty', false, false);
    for (const line of ['  ▲ Next.js 16.4.0', '{"not":"a log line"}', '{ broken', '']) expect(format(line)).toBe(line);
  });

  it('prints JSON as the apps wrote it when asked, or when not writing to a terminal (auto)', () => {
    expect(lineFormatter('json', true)(request)).toBe(request);
    expect(lineFormatter('auto', false)(request)).toBe(request);
    expect(lineFormatter('auto', true, false)(request)).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request \{/);
  });
});
