'use client';
import type { TradingCalendarView } from '@bolsa/contracts';
import { useCallback, useEffect, useState } from 'react';
import { api } from './api';
import { refreshDelayMs } from './calendar';
import { retrying } from './retrying';

/** Every calendar shown on the page, by how to ask for it again. */
const shown = new Set<() => void>();

/**
 * Every calendar on the page asks the API again: the exchange closed sooner than they said (an administrator closed
 * the day, and an order was refused for it).
 */
export function reloadCalendars(): void {
  for (const reload of shown) reload();
}

/**
 * The exchange's calendar (null until the API has answered), asked for again just after each close it announces,
 * and whenever `reload` or `reloadCalendars` is called.
 */
export function useCalendar(): { calendar: TradingCalendarView | null; reload: () => void } {
  const [calendar, setCalendar] = useState<TradingCalendarView | null>(null);
  const [asked, setAsked] = useState(0);
  const reload = useCallback(() => setAsked((count) => count + 1), []);
  useEffect(() => {
    shown.add(reload);
    return () => void shown.delete(reload);
  }, [reload]);
  useEffect(() => retrying(() => api<TradingCalendarView>('GET', '/api/calendar'), setCalendar), [asked]);
  useEffect(() => {
    const delay = calendar === null ? null : refreshDelayMs(calendar, Date.now());
    if (delay === null) return;
    const timer = setTimeout(reload, delay);
    return () => clearTimeout(timer);
  }, [calendar, reload]);
  return { calendar, reload };
}
