import { randomUUID } from 'node:crypto';
import { ApiKey } from '@bolsa/kafka-broker';
import { FaultProxy } from '@bolsa/kafka-broker/testing';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandPublisher } from '../src/messaging/kafka.js';
import { endOfDayCommand } from '../src/orders/engine-commands.js';
import { startTestApi, type TestApi, until, watchCommands } from './support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let api: TestApi;
let reader: Consumer;
const proxy = new FaultProxy('api');
const published: string[] = [];

beforeAll(async () => {
  api = await startTestApi({}, {}, proxy);
  reader = await watchCommands(api, 'publisher-test', (command) => published.push(command.traceId));
});

afterAll(async () => {
  await reader.disconnect();
  await api.stop();
});

/** A close of VALE3's day, told apart from every other by its trace id. */
const command = () => endOfDayCommand('VALE3', randomUUID().replaceAll('-', ''), null, '2026-12-07', false);

describe('the command publisher', () => {
  it('publishes what comes after a send whose answers were all lost, which the broker had taken', async () => {
    const publisher = api.app.get(CommandPublisher);
    const before = command();
    await publisher.publish(before);

    // The broker stores the batch; kafkajs sees every answer cut off (its first try and its four retries) and
    // gives up, as if nothing had been stored.
    proxy.loseAnswers(ApiKey.Produce, 5);
    const unknown = command();
    await expect(publisher.publish(unknown)).rejects.toThrow(Error);
    expect(proxy.losses).toBe(5);

    // One command again, as the lost batch was: a producer that reused the lost batch's sequence numbers would have
    // it taken for a copy of that batch and dropped, or refused for good.
    const after = command();
    await publisher.publish(after);
    await until(async () => published.includes(after.traceId));
    expect(published.filter((traceId) => traceId === after.traceId)).toHaveLength(1);
    expect(published).toContain(unknown.traceId);
    expect(published.indexOf(before.traceId)).toBeLessThan(published.indexOf(unknown.traceId));
  }, 60_000);
});
