import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  commandKey,
  decodeCommand,
  decodeEvents,
  encodeCommand,
  encodeEngineEvents,
  encodeEvents,
  eventKey,
  HEADERS,
  MAX_EVENTS_PER_MESSAGE,
  messageHeaders,
  TOPICS,
} from '../src/index.js';
import { limitBuy, TRACE, validCommands, validEvents } from './fixtures.js';

describe('decode', () => {
  it('round-trips every command and event through text and bytes', () => {
    for (const command of validCommands()) {
      const text = encodeCommand(command);
      expect(decodeCommand(text)).toEqual({ ok: true, value: command });
      expect(decodeCommand(new TextEncoder().encode(text))).toEqual({ ok: true, value: command });
    }
    const events = validEvents();
    expect(decodeEvents(encodeEvents(events))).toEqual({ ok: true, value: events });
    for (const event of events) expect(decodeEvents(encodeEvents([event]))).toEqual({ ok: true, value: [event] });
  });

  it('carries between one and MAX_EVENTS_PER_MESSAGE events per message', () => {
    const [event] = validEvents();
    expect(() => encodeEvents([])).toThrow();
    expect(() => encodeEvents(Array(MAX_EVENTS_PER_MESSAGE + 1).fill(event))).toThrow();
    expect(decodeEvents(JSON.stringify(Array(MAX_EVENTS_PER_MESSAGE).fill(event))).ok).toBe(true);
  });

  it("writes the engine's events as encodeEvents does, with the same bounds", () => {
    const events = validEvents();
    expect(JSON.parse(encodeEngineEvents(events))).toEqual(JSON.parse(encodeEvents(events)));
    expect(decodeEvents(encodeEngineEvents(events))).toEqual({ ok: true, value: events });
    expect(() => encodeEngineEvents([])).toThrow(RangeError);
    expect(() => encodeEngineEvents(Array(MAX_EVENTS_PER_MESSAGE + 1).fill(events[0]))).toThrow(RangeError);
  });

  it('reports JSON that does not parse, and bytes that are not UTF-8', () => {
    expect(decodeCommand('{"type":')).toMatchObject({ ok: false, error: { kind: 'invalid_json' } });
    expect(decodeEvents(new Uint8Array([0xff, 0xfe, 0x7b]))).toMatchObject({
      ok: false,
      error: { kind: 'invalid_json' },
    });
  });

  it('refuses a schema version it does not know', () => {
    const future = JSON.stringify({ ...limitBuy(), schemaVersion: 2 });
    expect(decodeCommand(future)).toMatchObject({
      ok: false,
      error: { kind: 'unsupported_version', issues: [{ path: 'schemaVersion' }] },
    });
    const [event, other] = validEvents();
    expect(decodeEvents(JSON.stringify([event, { ...other, schemaVersion: 2 }]))).toMatchObject({
      ok: false,
      error: { kind: 'unsupported_version', issues: [{ path: '1.schemaVersion' }] },
    });
  });

  it('names the fields at fault', () => {
    const result = decodeCommand(JSON.stringify({ ...limitBuy(), price: 'cheap', quantity: -1 }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe('invalid_message');
      expect(result.error.issues.map((issue) => issue.path).sort()).toEqual(['price', 'quantity']);
    }
    expect(decodeEvents('[]')).toMatchObject({ ok: false, error: { kind: 'invalid_message' } });
    expect(decodeEvents('null')).toMatchObject({ ok: false, error: { kind: 'invalid_message' } });
    const [event] = validEvents();
    expect(decodeEvents(JSON.stringify(event))).toMatchObject({ ok: false, error: { kind: 'invalid_message' } });
    const broken = decodeEvents(JSON.stringify([event, { ...event, sequence: -1 }]));
    expect(!broken.ok && broken.error.issues.map((issue) => issue.path)).toEqual(['1.sequence']);
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.uint8Array(), fc.json()), (input) => {
        expect(decodeCommand(input).ok).toBe(false);
        expect(decodeEvents(input).ok).toBe(false);
      }),
    );
  });

  it('refuses to encode an invalid message', () => {
    expect(() => encodeCommand(limitBuy({ quantity: 0 }))).toThrow();
  });
});

describe('topics and keys', () => {
  it('keys both topics by symbol and versions the topic names', () => {
    expect(commandKey(limitBuy({ symbol: 'VALE3' }))).toBe('VALE3');
    for (const event of validEvents()) expect(eventKey(event)).toBe(event.symbol);
    expect(TOPICS.orderCommands).toMatch(/\.v1$/);
    expect(TOPICS.engineEvents).toMatch(/\.v2$/);
  });

  it('puts the trace id, schema version and type in the headers', () => {
    expect(messageHeaders(limitBuy())).toEqual({
      [HEADERS.traceId]: TRACE,
      [HEADERS.schemaVersion]: '1',
      [HEADERS.messageType]: 'place_order',
    });
  });
});
