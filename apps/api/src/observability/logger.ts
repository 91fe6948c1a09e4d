import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The API's one structured logger. Every line about a request, a command or an engine event carries its
 * `traceId`, so `grep <trace id>` follows one order from the HTTP call through Kafka to the ledger.
 */
export class ApiLogger {
  readonly pino: Logger;

  constructor(level: string, destination?: DestinationStream) {
    this.pino = destination === undefined ? pino({ name: 'api', level }) : pino({ name: 'api', level }, destination);
  }
}
