'use client';
import type { PriceAlertView } from '@bolsa/contracts';
import { useCallback, useState } from 'react';
import { addAlerts, addStreamEvents, type Notice } from './notices';
import type { StreamEvent } from './use-event-stream';

/** The account stream's kinds that notices tell of, for a screen to ask for beside the ones it reads itself. */
export const NOTICE_KINDS = ['order', 'fill', 'stop', 'amend_rejected', 'alerts'] as const;

/**
 * What the trader is told while a screen of theirs is open, whichever it is: their executions, the exchange's
 * refusals and cancels of their orders, their stops that fired and their price alerts that went off.
 */
export function useAccountNotices() {
  const [notices, setNotices] = useState<readonly Notice[]>([]);
  /** Takes a batch of account-stream events and the alerts that went off with it. */
  const tell = useCallback((events: readonly StreamEvent[], alertsSetOff: readonly PriceAlertView[]) => {
    const now = Date.now();
    setNotices((current) => addAlerts(addStreamEvents(current, events, now), alertsSetOff, now));
  }, []);
  return { notices, tell };
}
