import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import { launchChromium, newPage, programAccount, signUp } from './browser.js';

/**
 * The platform with trading hours, closed all of today: it trades every day but today's weekday, from 00:00 to
 * 23:59 UTC, so that it opens at the next midnight.
 */
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
    }),
    launchChromium(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('an exchange outside its trading hours', () => {
  it('says so on the ticket, with when it opens, and sends nothing; the API refuses a program', async () => {
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

    const apiKey = await programAccount(stack.api, 'Robo');
    const refused = await fetch(`${stack.web}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ symbol: 'PETR4', side: 'buy', type: 'limit', price: '38.00', quantity: '1' }),
    });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'market_closed', details: { opensAt: opensAt.toISOString() } });
    expect(errors).toEqual([]);
  });
});
