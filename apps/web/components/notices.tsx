'use client';
import { useEffect, useState } from 'react';
import { liveNotices, NOTICE_MS, noticeText, noticeTone, type Notice } from '../lib/notices';

const TONES = {
  buy: 'border-buy/50 text-buy',
  sell: 'border-sell/50 text-sell',
  warning: 'border-amber-500/50 text-amber-300',
  info: 'border-sky-500/50 text-sky-300',
} as const;

/** The trader's latest executions and refusals, in a corner of the screen, each fading a few seconds after. */
export function Notices({ notices }: { notices: readonly Notice[] }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const current = Date.now();
    const showing = liveNotices(notices, current);
    if (showing.length === 0) return;
    const fadeAt = Math.min(...showing.map((notice) => notice.shownAt + NOTICE_MS));
    const timer = setTimeout(() => setNow(Date.now()), fadeAt - current + 20);
    return () => clearTimeout(timer);
  }, [notices, now]);

  const showing = liveNotices(notices, now);
  return (
    <div
      role="status"
      aria-live="polite"
      className="pointer-events-none fixed inset-x-3 bottom-3 z-50 flex flex-col gap-2 sm:left-auto sm:w-96"
    >
      {showing.map((notice) => (
        <p
          key={`${notice.kind}:${notice.orderId}`}
          data-testid={`${notice.kind === 'execution' ? 'fill' : notice.kind}-notice`}
          className={`num rounded border bg-gray-900 px-3 py-2 text-sm shadow-lg ${TONES[noticeTone(notice)]}`}
        >
          {noticeText(notice)}
        </p>
      ))}
    </div>
  );
}
