'use client';
import { useCallback } from 'react';
import { NOTICE_KINDS, useAccountNotices } from '../lib/use-account-notices';
import { useEventStream, type StreamEvent, type StreamState } from '../lib/use-event-stream';
import { usePriceAlerts } from '../lib/use-price-alerts';
import type { Notice } from '../lib/notices';
import { useSession } from './session';

/**
 * What every screen with the trader's account stream (`/api/stream/me`) does with a batch of its events: the
 * session's view of the account follows them, and the trader is told of fills, refusals, fired stops and price alerts
 * that went off. `also` is the screen's own use of the batch (its wallet, its orders), and should be stable.
 */
export function useMyEvents(also?: (events: StreamEvent[]) => void) {
  const { accountEvents } = useSession();
  const alerts = usePriceAlerts();
  const { streamed: alertsStreamed } = alerts;
  const { notices, tell } = useAccountNotices();
  const onMine = useCallback(
    (events: StreamEvent[]) => {
      accountEvents(events);
      tell(events, alertsStreamed(events));
      also?.(events);
    },
    [accountEvents, alertsStreamed, tell, also],
  );
  return { notices, alerts, onMine };
}

/**
 * For a page that opens no account stream of its own (the market page): a logged-in trader's notices as they
 * happen, as on the trading screen; and the stream's state, null for a visitor, who opens nothing.
 */
export function useAccountStreamNotices(): { notices: readonly Notice[]; state: StreamState | null } {
  const { account } = useSession();
  const { notices, onMine } = useMyEvents();
  const state = useEventStream(account === null ? null : '/api/stream/me', ['account', ...NOTICE_KINDS], onMine);
  return { notices, state: account === null ? null : state };
}
