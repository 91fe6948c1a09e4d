import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import {
  crossInAuction,
  expectAuctionRefusesMarket,
  expectTheoreticalPrices,
  haltFromPanel,
  launchChromium,
  logIn,
  newPage,
  signUp,
} from './browser.js';

/**
 * A halted instrument's reopening call auction, on the real clock: an admin halts PETR4 and resumes it from the panel,
 * and it reopens a minute later. Long enough for two traders to cross in it however slow the machine; the test then
 * waits for the platform's own timer to end it.
 */
const ADMIN = { email: 'reopening@example.test', password: 'reopening admin pass' };
let stack: LaunchedStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    launchStack({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, MARKET_REOPENING_SECONDS: '60' }),
    launchChromium(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the reopening call auction after a halt', () => {
  it('resumes a halted instrument into a call: the screens say so, orders cross without trading, then it reopens', async () => {
    const admin = await newPage(browser);
    const seller = await newPage(browser);
    const buyer = await newPage(browser);
    await Promise.all([
      signUp(seller.page, stack.web, 'Reabertura'),
      signUp(buyer.page, stack.web, 'Retomada'),
      logIn(admin.page, stack.web, ADMIN.email, ADMIN.password, '/admin'),
    ]);
    await admin.page.waitForURL('**/admin');
    const control = admin.page.getByTestId('control-PETR4');
    await expect.poll(() => control.textContent(), { timeout: 10_000 }).toContain('em negociação');
    await haltFromPanel(admin.page, 'PETR4', 'Aguardando fato relevante');
    await control.getByRole('button', { name: 'Retomar' }).click();
    await expect.poll(() => control.textContent(), { timeout: 5_000 }).toMatch(/em leilão de reabertura até/);

    // The traders' screens hear of it live: a badge, and the ticket's notice.
    const buyerTicket = buyer.page.getByTestId('order-ticket');
    await expect
      .poll(() => buyerTicket.getByTestId('ticket-auction').textContent(), { timeout: 10_000 })
      .toMatch(/^Leilão de reabertura até /);
    expect(await buyer.page.getByTestId('reopening').textContent()).toBe('em leilão');
    expect(await buyer.page.getByTestId('header-session').textContent()).toMatch(/^Leilão de reabertura: reabre /);
    // Crossed and not traded, and a market order refused before sending, as in any call auction.
    await crossInAuction(seller.page, buyer.page);
    await expectAuctionRefusesMarket(buyer.page);
    // The market page shows PETR4's theoretical price, and the others' none.
    await expectTheoreticalPrices(seller.page, stack.web);

    // Its end, on the platform's own timer: the two trade at 31,00, and PETR4 trades continuously again. The tape
    // shows the trade as the auction's, with no side taking ("L", "leilão" on the admin's).
    await expect
      .poll(() => buyer.page.getByTestId('time-and-sales').textContent(), { timeout: 120_000, interval: 1_000 })
      .toContain('31,00');
    const printed = buyer.page.getByTestId('time-and-sales').locator('tbody tr').first();
    expect([await printed.getAttribute('data-side'), await printed.textContent()]).toEqual([
      'auction',
      expect.stringMatching(/L31,00/),
    ]);
    const adminRow = admin.page.getByTestId('admin-trades').locator('tbody tr').filter({ hasText: 'PETR4' }).first();
    await expect.poll(() => adminRow.textContent(), { timeout: 5_000 }).toMatch(/PETR431,0010leilão$/);
    await expect.poll(() => buyerTicket.getByTestId('ticket-auction').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => buyer.page.getByTestId('reopening').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => control.textContent(), { timeout: 10_000 }).toContain('em negociação');
    expect([...admin.errors, ...seller.errors, ...buyer.errors]).toEqual([]);
  }, 300_000);
});
