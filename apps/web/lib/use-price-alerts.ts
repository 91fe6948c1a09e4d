'use client';
import type { PriceAlertView } from '@bolsa/contracts';
import { useCallback, useRef, useState } from 'react';
import { newlySetOff } from './alerts';
import type { StreamEvent } from './use-event-stream';

/**
 * The trader's price alerts, as the account stream lists them (at its start, and whenever one goes off) and as the
 * trader creates and deletes them. Null until the stream's first list.
 */
export function usePriceAlerts() {
  const [alerts, setAlerts] = useState<readonly PriceAlertView[] | null>(null);
  const latest = useRef<readonly PriceAlertView[] | null>(null);
  const show = useCallback((list: readonly PriceAlertView[]) => {
    latest.current = list;
    setAlerts(list);
  }, []);
  /** Takes the list a batch of account-stream events brings, if any; answers the alerts that went off since. */
  const streamed = useCallback(
    (events: readonly StreamEvent[]): PriceAlertView[] => {
      const list = events.findLast((event) => event.kind === 'alerts')?.data as PriceAlertView[] | undefined;
      if (list === undefined) return [];
      const setOff = newlySetOff(latest.current, list);
      show(list);
      return setOff;
    },
    [show],
  );
  const created = useCallback((alert: PriceAlertView) => show([alert, ...(latest.current ?? [])]), [show]);
  const deleted = useCallback(
    (alertId: string) => show((latest.current ?? []).filter((alert) => alert.id !== alertId)),
    [show],
  );
  return { alerts, streamed, created, deleted };
}
