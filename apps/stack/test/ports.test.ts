import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePortsFor } from '../bench/launch.js';
import { loadConfig } from '../src/config.js';
import { portsInUse, stackPorts } from '../src/ports.js';

let taken: Server;
let takenPort: number;

beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  takenPort = (taken.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

/** A configuration whose own ports are all free, with `more` on top. */
async function configWith(more: Record<string, string> = {}) {
  const ports = await freePortsFor(['API_PORT', 'KAFKA_PORT', 'POSTGRES_PORT', 'ENGINE_METRICS_PORT', 'WEB_PORT']);
  return loadConfig({ ...ports, ...more });
}

describe('the ports the launcher checks before starting', () => {
  it('runs one API process unless INGEST_PORT is set, and then checks that port too', async () => {
    expect((await configWith()).INGEST_PORT).toBeUndefined();
    expect(await portsInUse(await configWith())).toEqual([]);
    expect(await portsInUse(await configWith({ INGEST_PORT: String(takenPort) }))).toEqual([
      `${takenPort} (INGEST_PORT)`,
    ]);
  });

  it('names each port another program holds', async () => {
    expect(await portsInUse(await configWith({ WEB_PORT: String(takenPort) }))).toEqual([`${takenPort} (WEB_PORT)`]);
    // An external Kafka: the embedded broker's port is not the stack's to take.
    expect(
      await portsInUse(await configWith({ KAFKA_PORT: String(takenPort), KAFKA_BROKERS: 'kafka.example:9092' })),
    ).toEqual([]);
  });
});

describe("the ports an embedded PostgreSQL's picked port keeps clear of", () => {
  it("are the stack's own servers': the web, the API, the engine's metrics, an ingesting API and the embedded broker", () => {
    const config = loadConfig({
      WEB_PORT: '21000',
      API_PORT: '21001',
      ENGINE_METRICS_PORT: '21002',
      INGEST_PORT: '21003',
      KAFKA_PORT: '21004',
      POSTGRES_PORT: '0',
    });
    expect(stackPorts(config).sort()).toEqual([21000, 21001, 21002, 21003, 21004]);
    // An external Kafka's port is not the stack's, and a port left to the OS (0) is no port to avoid.
    expect(stackPorts(loadConfig({ API_PORT: '0', KAFKA_PORT: '21004', KAFKA_BROKERS: 'kafka.example:9092' }))).toEqual(
      [3000, 9464],
    );
  });
});
