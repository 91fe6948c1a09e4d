import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MarketSimulator } from '@bolsa/simulator';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import { sampleDelta } from '../bench/metrics.js';

/** An exchange that grants each new account 10 shares of every instrument: the bots' orders ask for 1 to 20. */
let stack: LaunchedStack;

beforeAll(async () => {
  stack = await launchStack({ STARTING_SHARES: '10', STARTING_CASH: '2000.00' });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

it('has its bots sell only shares they hold and buy only with cash they have, so none of their orders is refused for want of either', async () => {
  const botsDir = mkdtempSync(join(tmpdir(), 'bolsa-sim-'));
  onTestFinished(() => rmSync(botsDir, { recursive: true, force: true }));
  const metrics = async () => (await fetch(`${stack.api}/metrics`)).text();
  const refusals = async (reason: string) =>
    sampleDelta(before, await metrics(), 'api_orders_rejected_total', new RegExp(`reason="${reason}"`));
  const before = await metrics();
  const simulator = new MarketSimulator(stack.api, join(botsDir, 'bots.json'), 40, {
    repriceAfterMs: 1_000,
    cancelAfterMs: 2_500,
  });
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  const count = async (query: string) => (await db.query<{ n: number }>(query)).rows[0]!.n;
  const sells = () => count(`SELECT count(*)::int AS n FROM orders WHERE side = 'sell'`);
  try {
    await simulator.start();
    // Until they have placed 40 sells, each of what its bot then held free: what it was granted, and what its
    // cancels freed and its buys brought, counted from its next reading of its wallet.
    const deadline = Date.now() + 40_000;
    while ((await sells()) < 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
    await simulator.stop();

    // Until the bots kept count, a sell of more than 10 shares was refused from the first, and with R$ 2,000.00 a
    // bot ran out of cash within seconds, each buy then refused before it deposited more.
    expect(await refusals('insufficient_shares')).toBe(0);
    expect(await refusals('insufficient_funds')).toBe(0);
    expect(await sells()).toBeGreaterThanOrEqual(40);
    expect(await count(`SELECT count(*)::int AS n FROM orders WHERE side = 'buy'`)).toBeGreaterThan(40);
    expect(await count('SELECT count(*)::int AS n FROM trades')).toBeGreaterThan(20);
    expect(await count(`SELECT count(*)::int AS n FROM ledger_entries WHERE reason = 'deposit'`)).toBeGreaterThan(0);
  } finally {
    await db.end();
  }
}, 60_000);
