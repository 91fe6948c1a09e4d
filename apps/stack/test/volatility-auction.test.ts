import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INSTRUMENTS } from '@bolsa/contracts';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import { expectAuctionRefusesMarket, launchChromium, newPage, signUp, ticket } from './browser.js';

/**
 * A volatility auction through the real processes, on the real clock: PETR4 has a 10% tunnel around its reference
 * price, 38,00 (34,20 to 41,80), read by the API and the engine from one instruments file, and auctions of 45 s: long
 * enough for the screens to be checked however slow the machine; the test then waits for the platform's own timer.
 */
const SECONDS = 45;
let stack: LaunchedStack;
let browser: Browser;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'bolsa-instruments-')), 'instruments.json');
  const instruments = DEFAULT_INSTRUMENTS.map((instrument) =>
    instrument.symbol === 'PETR4'
      ? { ...instrument, volatilityAuction: { tunnelBps: 1_000, seconds: SECONDS } }
      : instrument,
  );
  writeFileSync(file, JSON.stringify(instruments));
  [stack, browser] = await Promise.all([launchStack({ INSTRUMENTS_FILE: file }), launchChromium()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('a volatility auction', () => {
  it('starts when a buy would trade beyond the tunnel: the screens say so, and its end trades at one price', async () => {
    const seller = await newPage(browser);
    const buyer = await newPage(browser);
    await Promise.all([signUp(seller.page, stack.web, 'Oscila'), signUp(buyer.page, stack.web, 'Tunel')]);
    const buyerTicket = buyer.page.getByTestId('order-ticket');
    for (const price of ['41,00', '43,00']) await ticket(seller.page, 'Vender', price, '5');
    const sellerOpen = seller.page.getByTestId('open-orders').getByTestId('order-row');
    await expect.poll(() => sellerOpen.count(), { timeout: 10_000 }).toBe(2);
    // The buy takes the 41,00 inside the tunnel; 43,00 is beyond it: PETR4 goes into its auction, the rest resting.
    await ticket(buyer.page, 'Comprar', '44,00', '10');
    await expect
      .poll(() => buyerTicket.getByTestId('ticket-auction').textContent(), { timeout: 10_000 })
      .toMatch(/^Leilão de volatilidade até .*: o preço ia além do limite de oscilação do papel/);
    expect(await buyer.page.getByTestId('reopening').textContent()).toBe('em leilão');
    expect(await buyer.page.getByTestId('header-session').textContent()).toMatch(/^Leilão de volatilidade: reabre /);
    const tape = buyer.page.getByTestId('time-and-sales').locator('tbody tr');
    await expect.poll(() => tape.count(), { timeout: 5_000 }).toBe(1);
    expect(await tape.first().textContent()).toContain('41,00');
    await expect
      .poll(() => buyer.page.getByTestId('auction-price').textContent(), { timeout: 10_000 })
      .toBe('preço teórico 43,00 · 5');
    await expectAuctionRefusesMarket(buyer.page);

    // Its end, on the platform's own timer: the crossed orders trade at 43,00, the auction's print.
    await expect.poll(() => tape.count(), { timeout: (SECONDS + 60) * 1_000, interval: 1_000 }).toBe(2);
    expect([await tape.first().getAttribute('data-side'), await tape.first().textContent()]).toEqual([
      'auction',
      expect.stringMatching(/L43,00/),
    ]);
    await expect.poll(() => buyerTicket.getByTestId('ticket-auction').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => buyer.page.getByTestId('reopening').count(), { timeout: 10_000 }).toBe(0);
    expect([...seller.errors, ...buyer.errors]).toEqual([]);
  }, 300_000);
});
