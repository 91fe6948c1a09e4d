import { describe, expect, it } from 'vitest';
import { reopensBlind, resumeUrl } from './use-event-stream';

describe('a stream reopened after an error', () => {
  it('asks the API to resume after the last event it had, in the query a new EventSource can carry', () => {
    expect(resumeUrl('/api/stream/me', '')).toBe('/api/stream/me');
    expect(resumeUrl('/api/stream/markets/PETR4', '1042')).toBe('/api/stream/markets/PETR4?lastEventId=1042');
    expect(resumeUrl('/api/stream/orders?x=1', '7')).toBe('/api/stream/orders?x=1&lastEventId=7');
  });
});

describe('a stream reopened after an error before any event', () => {
  it('has its caller load the snapshot again, since it cannot resume; one that had an event resumes instead', () => {
    expect(reopensBlind('')).toBe(true);
    expect(reopensBlind('1042')).toBe(false);
  });
});
