'use client';
import type { InstrumentView } from '@bolsa/contracts';
import { useEffect, useState } from 'react';
import { api } from './api';
import { retrying } from './retrying';

/** The instruments traded here, asked for again until the API answers; null until it has. */
export function useInstruments(): readonly InstrumentView[] | null {
  const [instruments, setInstruments] = useState<readonly InstrumentView[] | null>(null);
  useEffect(() => retrying(() => api<InstrumentView[]>('GET', '/api/instruments'), setInstruments), []);
  return instruments;
}
