'use client';
import { useEffect, useState } from 'react';
import { liveNotices, NOTICE_MS, noticeText, type FillNotice } from '../lib/fill-notices';

/** The trader's latest executions, in a corner of the screen, each fading a few seconds after its last fill. */
export function FillNotices({ notices }: { notices: readonly FillNotice[] }) {
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
          key={notice.orderId}
          data-testid="fill-notice"
          className={`num rounded border bg-gray-900 px-3 py-2 text-sm shadow-lg ${
            notice.side === 'buy' ? 'border-buy/50 text-buy' : 'border-sell/50 text-sell'
          }`}
        >
          {noticeText(notice)}
        </p>
      ))}
    </div>
  );
}
