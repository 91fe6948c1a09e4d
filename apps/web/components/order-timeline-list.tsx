'use client';
import type { OrderTimelineEntry } from '@bolsa/contracts';
import { formatDateTime, formatTime } from '../lib/format';
import { timelineText } from '../lib/order-timeline';

/** An order's history, oldest first, one line per step; a step on another day than `placedAt` says its date too. */
export function OrderTimelineList({ steps, placedAt }: { steps: readonly OrderTimelineEntry[]; placedAt: string }) {
  const placedOn = new Date(placedAt).toDateString();
  return (
    <ol className="mt-0.5 text-gray-400" aria-label="Histórico da ordem">
      {steps.map((entry) => (
        <li key={`${entry.sequence}-${entry.kind}`} data-testid="order-step">
          <span className="tabular-nums text-muted">
            {new Date(entry.at).toDateString() === placedOn ? formatTime(entry.at) : formatDateTime(entry.at)}
          </span>{' '}
          {timelineText(entry)}
        </li>
      ))}
    </ol>
  );
}
