import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import { launchChromium, logIn, newPage, programAccount, signUp } from './browser.js';

/**
 * The platform with trading hours, closed all of today: it trades every day but today's weekday, from 00:00 to
 * 23:59 UTC, so that it opens at the next midnight.
 */
const ADMIN = { email: 'hours@example.test', password: 'hours admin pass' };
let stack: LaunchedStack;
let browser: Browser;
let opensAt: Date;

beforeAll(async () => {
  const now = new Date();
  const tradingDays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].filter((_, day) => day !== now.getUTCDay());
  opensAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  [stack, browser] = await Promise.all([
    launchStack({
      MARKET_OPEN: '00:00',
      MARKET_CLOSE: '23:59',
      MARKET_TIMEZONE: 'UTC',
      MARKET_DAYS: tradingDays.join(','),
      MARKET_HOLIDAYS: '',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SIMULATOR: 'on',
      SIMULATOR_ORDERS_PER_SECOND: '50',
    }),
    launchChromium(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('an exchange outside its trading hours', () => {
  it('says so on the ticket, with when it opens, on the market page and the admin panel; the ticket sends nothing, the API refuses a program', async () => {
    const { page, errors } = await newPage(browser);
    await signUp(page, stack.web, 'Madrugadora');
    const ticket = page.getByTestId('order-ticket');
    const day = new Intl.DateTimeFormat('pt-BR', { timeZone: 'UTC', weekday: 'short' }).format(opensAt);
    const date = opensAt.toISOString().slice(5, 10).split('-').reverse().join('/');
    await expect
      .poll(() => ticket.getByTestId('ticket-market-closed').textContent(), { timeout: 5_000 })
      .toBe(
        `Pregão fechado: novas ordens só no horário de negociação. Abre ${day}, ${date}, 00:00 UTC. Cancelamentos continuam.`,
      );
    expect(await ticket.getByRole('button', { name: /Comprar PETR4/ }).isDisabled()).toBe(true);
    // The market page says so too.
    await page.goto(`${stack.web}/markets`);
    await expect
      .poll(() => page.getByTestId('market-session').textContent(), { timeout: 5_000 })
      .toBe(`Pregão fechado: abre ${day}, ${date}, 00:00 UTC`);

    const apiKey = await programAccount(stack.api, 'Robo');
    const refused = await fetch(`${stack.web}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ symbol: 'PETR4', side: 'buy', type: 'limit', price: '38.00', quantity: '1' }),
    });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'market_closed', details: { opensAt: opensAt.toISOString() } });
    // And the admin panel, by the day's close.
    const admin = await newPage(browser);
    await logIn(admin.page, stack.web, ADMIN.email, ADMIN.password, '/admin');
    await expect
      .poll(() => admin.page.getByTestId('admin-session').textContent(), { timeout: 10_000 })
      .toBe(`Pregão fechado: abre ${day}, ${date}, 00:00 UTC`);
    expect(errors).toEqual([]);
  });

  it("keeps the market simulator's bots quiet until it opens, rather than refused fifty times a second", async () => {
    const refusals = async () => {
      const metrics = await (await fetch(`${stack.api}/metrics`)).text();
      return Number(/^api_orders_rejected_total\{reason="market_closed"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
    };
    // The program's order above, and the bots' first tries (a few at once), then nothing more.
    await expect.poll(refusals, { timeout: 10_000 }).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await refusals()).toBeLessThanOrEqual(7);
  });
});
