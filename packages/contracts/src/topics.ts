import type { OrderCommand } from './commands.js';
import type { EngineEvent } from './events.js';

/**
 * Topic names carry the schema version, so a breaking change is a new topic rather than a surprise. The events
 * topic's v2 carries one message per command (the JSON array of the events it caused) instead of one per event:
 * three to four times fewer records for the engine to encode, the broker to store and every consumer to decode.
 */
export const TOPICS = {
  orderCommands: 'bolsa.order-commands.v1',
  engineEvents: 'bolsa.engine-events.v2',
} as const;

/** Events per message on the events topic, at most; keeps a message far below Kafka's default 1 MB limit. */
export const MAX_EVENTS_PER_MESSAGE = 500;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Kafka header names every message carries. */
export const HEADERS = {
  traceId: 'trace-id',
  schemaVersion: 'schema-version',
  messageType: 'message-type',
} as const;

/**
 * Key = symbol on both topics: Kafka keeps one key's messages on one partition in order, so each symbol's
 * commands reach its book in the order they were accepted, and its events leave in the order they happened.
 */
export function commandKey(command: OrderCommand): string {
  return command.symbol;
}

export function eventKey(event: EngineEvent): string {
  return event.symbol;
}
