import { z } from 'zod';
import { OrderCommand, SCHEMA_VERSION } from './commands.js';
import { EngineEvent } from './events.js';
import { HEADERS, MAX_EVENTS_PER_MESSAGE } from './topics.js';
import { err, ok, type Result } from './result.js';

export interface DecodeIssue {
  /** Dotted path of the field at fault ('' for the whole message). */
  readonly path: string;
  readonly message: string;
}

export interface DecodeError {
  readonly kind: 'invalid_json' | 'unsupported_version' | 'invalid_message';
  readonly message: string;
  readonly issues: readonly DecodeIssue[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function issuesOf(error: z.ZodError): DecodeIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

function decodeWith<T>(schema: z.ZodType<T>, input: string | Uint8Array, what: string): Result<T, DecodeError> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof input === 'string' ? input : utf8.decode(input));
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return err({ kind: 'invalid_json', message: `${what} is not UTF-8 JSON: ${message}`, issues: [] });
  }
  for (const [path, message] of Array.isArray(parsed) ? parsed.map((item, i) => [`${i}.`, item]) : [['', parsed]]) {
    if (typeof message !== 'object' || message === null || !('schemaVersion' in message)) continue;
    const version = (message as { schemaVersion: unknown }).schemaVersion;
    if (version !== SCHEMA_VERSION) {
      return err({
        kind: 'unsupported_version',
        message: `${what} has schemaVersion ${JSON.stringify(version)}; this build reads ${SCHEMA_VERSION}`,
        issues: [{ path: `${String(path)}schemaVersion`, message: `must be ${SCHEMA_VERSION}` }],
      });
    }
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    return err({
      kind: 'invalid_message',
      message: `${what} does not match its schema`,
      issues: issuesOf(result.error),
    });
  }
  return ok(result.data);
}

/** Decodes a Kafka message value from the order-commands topic without ever throwing. */
export function decodeCommand(input: string | Uint8Array): Result<OrderCommand, DecodeError> {
  return decodeWith(OrderCommand, input, 'order command');
}

/**
 * A message of the engine-events topic: the events one command caused, in order (a command that causes very many,
 * such as the end of the day on a deep book, spreads them over several messages).
 */
export const EngineEventBatch = z
  .array(EngineEvent)
  .min(1)
  .max(MAX_EVENTS_PER_MESSAGE)
  .refine((events) => events.every((event) => event.symbol === events[0]!.symbol), {
    error: 'all events of a message are of one symbol (its key)',
  });
export type EngineEventBatch = z.infer<typeof EngineEventBatch>;

/** Decodes a Kafka message value from the engine-events topic without ever throwing. */
export function decodeEvents(input: string | Uint8Array): Result<EngineEvent[], DecodeError> {
  return decodeWith(EngineEventBatch, input, 'engine events');
}

/** Serialises a message, checking it first: nothing invalid leaves a process. */
export function encodeCommand(command: OrderCommand): string {
  return JSON.stringify(OrderCommand.parse(command));
}

/** Up to MAX_EVENTS_PER_MESSAGE events of one command, in order. */
export function encodeEvents(events: readonly EngineEvent[]): string {
  return JSON.stringify(EngineEventBatch.parse(events));
}

/**
 * `encodeEvents` without checking each event against the schema again, for the matching engine: its events are
 * made of fields of the commands it decoded (so already checked) and of numbers from its book, and a property test
 * (order-book's contract-events test) holds every event its books can make to the schema. Checking them again
 * cost an eighth of the engine's CPU. Whoever consumes them still parses every message (`decodeEvents`).
 */
export function encodeEngineEvents(events: readonly EngineEvent[]): string {
  if (events.length === 0 || events.length > MAX_EVENTS_PER_MESSAGE) {
    throw new RangeError(`a message carries 1 to ${MAX_EVENTS_PER_MESSAGE} events, not ${events.length}`);
  }
  return JSON.stringify(events);
}

/** The headers every message on our topics carries; an events message names its first event's type. */
export function messageHeaders(message: OrderCommand | EngineEvent): Record<string, string> {
  return {
    [HEADERS.traceId]: message.traceId,
    [HEADERS.schemaVersion]: String(message.schemaVersion),
    [HEADERS.messageType]: message.type,
  };
}
