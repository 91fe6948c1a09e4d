import { encodeEngineEvents, MAX_EVENTS_PER_MESSAGE, messageHeaders, type EngineEvent } from '@bolsa/contracts';
import type { Message } from 'kafkajs';

/** The command offset an event came from, in its headers: how a new owner knows what is already published. */
export const SOURCE_OFFSET_HEADER = 'source-offset';

/** The events one command caused, and its offset on the commands topic. */
export interface CommandEvents {
  readonly events: readonly EngineEvent[];
  readonly offset: number;
}

/**
 * The events topic's messages for some commands of one partition, in command order: one per command, or more for
 * a command that caused over MAX_EVENTS_PER_MESSAGE events (the end of the day on a deep book).
 */
export function eventMessages(partition: number, commands: readonly CommandEvents[]): Message[] {
  const messages: Message[] = [];
  for (const { events, offset } of commands) {
    for (let from = 0; from < events.length; from += MAX_EVENTS_PER_MESSAGE) {
      const chunk = events.slice(from, from + MAX_EVENTS_PER_MESSAGE);
      messages.push({
        key: chunk[0]!.symbol,
        partition,
        value: encodeEngineEvents(chunk),
        headers: { ...messageHeaders(chunk[0]!), [SOURCE_OFFSET_HEADER]: String(offset) },
      });
    }
  }
  return messages;
}
