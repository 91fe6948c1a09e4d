import type { z } from 'zod';
import { OrderCommand, SCHEMA_VERSION } from './commands.js';
import { EngineEvent } from './events.js';
import { HEADERS } from './topics.js';
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
  if (typeof parsed === 'object' && parsed !== null && 'schemaVersion' in parsed) {
    const version = (parsed as { schemaVersion: unknown }).schemaVersion;
    if (version !== SCHEMA_VERSION) {
      return err({
        kind: 'unsupported_version',
        message: `${what} has schemaVersion ${JSON.stringify(version)}; this build reads ${SCHEMA_VERSION}`,
        issues: [{ path: 'schemaVersion', message: `must be ${SCHEMA_VERSION}` }],
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

/** Decodes a Kafka message value from the engine-events topic without ever throwing. */
export function decodeEvent(input: string | Uint8Array): Result<EngineEvent, DecodeError> {
  return decodeWith(EngineEvent, input, 'engine event');
}

/** Serialises a message, checking it first: nothing invalid leaves a process. */
export function encodeCommand(command: OrderCommand): string {
  return JSON.stringify(OrderCommand.parse(command));
}

export function encodeEvent(event: EngineEvent): string {
  return JSON.stringify(EngineEvent.parse(event));
}

/** The headers every message on our topics carries. */
export function messageHeaders(message: OrderCommand | EngineEvent): Record<string, string> {
  return {
    [HEADERS.traceId]: message.traceId,
    [HEADERS.schemaVersion]: String(message.schemaVersion),
    [HEADERS.messageType]: message.type,
  };
}
