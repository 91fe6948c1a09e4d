'use client';
import { useCallback } from 'react';
import { NOTICE_KINDS, useAccountNotices } from '../lib/use-account-notices';
import { useEventStream, type StreamEvent, type StreamState } from '../lib/use-event-stream';
import { usePriceAlerts } from '../lib/use-price-alerts';
import type { Notice } from '../lib/notices';
import { useSession } from './session';

/**
 * For a page that opens no account stream of its own (the market page): a logged-in trader's notices as they
 * happen, from their fills, the exchange's refusals, fired stops and price alerts that go off, as on the trading
 * screen; and the stream's state, null for a visitor, who opens nothing.
 */
export function useAccountStreamNotices(): { notices: readonly Notice[]; state: StreamState | null } {
  const { account, accountEvents } = useSession();
  const { streamed: alertsStreamed } = usePriceAlerts();
  const { notices, tell } = useAccountNotices();
  const onMine = useCallback(
    (events: StreamEvent[]) => {
      accountEvents(events);
      tell(events, alertsStreamed(events));
    },
    [accountEvents, alertsStreamed, tell],
  );
  const state = useEventStream(account === null ? null : '/api/stream/me', ['account', ...NOTICE_KINDS], onMine);
  return { notices, state: account === null ? null : state };
}
