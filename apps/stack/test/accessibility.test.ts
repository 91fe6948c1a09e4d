import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import { launchChromium, logIn, newPage, program, programAccount, signUp, streamLive, ticket } from './browser.js';

/**
 * Every screen of the home broker and the admin panel checked by axe-core, the rules engine behind browsers'
 * accessibility audits (WCAG 2.x A and AA, and axe's best practices: contrast, names of controls, headings, keyboard
 * access to what scrolls…), on a desk and on a phone, with live data on them: a book with both sides, the trader's
 * own orders and trades, the admin's trade panel and accounts.
 */
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const ADMIN = { email: 'a11y-admin@example.test', password: 'an admin password' };
const VIEWPORTS = [
  // Each run's trader leaves an order resting at a price of its own.
  { name: 'desk', width: 1280, height: 800, restingPrice: '37,50' },
  { name: 'phone', width: 390, height: 844, restingPrice: '37,40' },
] as const;

let stack: LaunchedStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    launchStack({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
    launchChromium(),
  ]);
  // Someone else's sell orders: the book has both sides and the trader below something to trade with.
  const seller = await programAccount(stack.api, 'Vendedor');
  for (const price of ['38.00', '38.10']) await program(stack.api, seller, 'sell', 'PETR4', price, '50');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

/** What axe finds wrong on the page as it is now, one line per rule: "where: rule (impact) at targets". */
async function audit(page: Page, where: string): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
    violations: Violation[];
  };
  return violations.violations.map(
    (violation) =>
      `${where}: ${violation.id} (${violation.impact ?? 'no impact given'}) at ` +
      violation.nodes.map((node) => node.target.join(' ')).join(', '),
  );
}

describe('the home broker and the admin panel, for everyone', () => {
  for (const viewport of VIEWPORTS) {
    it(`break no accessibility rule axe checks, on a ${viewport.name}`, { timeout: 120_000 }, async () => {
      const found: string[] = [];
      const size = { width: viewport.width, height: viewport.height };
      const visitor = await newPage(browser, size);
      // A symbol not traded here and an address no page has are pages too.
      for (const path of ['/markets', '/signup', '/login', '/trade/PETR5', '/carteira']) {
        await visitor.page.goto(`${stack.web}${path}`);
        await visitor.page.getByRole('heading', { level: 1 }).waitFor();
        found.push(...(await audit(visitor.page, path)));
      }

      const trader = await newPage(browser, size);
      await signUp(trader.page, stack.web, `Acessivel${viewport.name}`);
      const screen = trader.page;
      await streamLive(screen, 'mercado');
      // One order that trades with the seller's and one that rests: trades, a fill in the history, an open order.
      await ticket(screen, 'Comprar', '38,00', '10');
      await expect.poll(() => screen.getByTestId('time-and-sales').locator('tbody tr').count()).toBeGreaterThan(0);
      await ticket(screen, 'Comprar', viewport.restingPrice, '5');
      await expect.poll(() => screen.getByTestId('open-orders').getByTestId('order-row').count()).toBe(1);
      // A level of the book reads as a sentence, the trader's own share of it included.
      const ownLevel = screen.getByTestId('bids').getByRole('button', {
        name: `compra a ${viewport.restingPrice} quantidade 5 em 1 ordem (5 suas)`,
      });
      await expect.poll(() => ownLevel.count()).toBe(1);
      // The sell side of the ticket, as a seller sees it.
      await screen.getByTestId('order-ticket').getByRole('button', { name: 'Vender', exact: true }).click();
      found.push(...(await audit(screen, '/trade/PETR4, open orders')));
      // The order lists' tabs, by keyboard: the arrows move between them, and the panel is named by the one selected.
      const tabs = screen.getByRole('tablist');
      expect(await tabs.getByRole('tab', { selected: true }).textContent()).toBe('Ordens abertas');
      await tabs.getByRole('tab', { selected: true }).focus();
      await screen.keyboard.press('ArrowRight');
      await screen.getByTestId('order-history').getByTestId('order-row').first().waitFor();
      expect(await screen.evaluate('document.activeElement?.textContent')).toBe('Histórico');
      expect(await screen.getByRole('tabpanel', { name: 'Histórico' }).getByTestId('order-history').count()).toBe(1);
      found.push(...(await audit(screen, '/trade/PETR4, history')));
      await screen.keyboard.press('End');
      await screen.getByTestId('my-trades').locator('tbody tr').first().waitFor();
      expect(await tabs.getByRole('tab', { selected: true }).textContent()).toBe('Meus negócios');
      found.push(...(await audit(screen, '/trade/PETR4, my trades')));
      // Past the last tab the arrow comes round to the first; only the selected tab is a stop of the Tab key.
      await screen.keyboard.press('ArrowRight');
      await screen.getByTestId('open-orders').waitFor();
      expect(await tabs.getByRole('tab').evaluateAll((all) => all.map((tab) => tab.getAttribute('tabindex')))).toEqual([
        '0',
        '-1',
        '-1',
      ]);
      for (const path of ['/account', '/keys']) {
        await screen.goto(`${stack.web}${path}`);
        await screen.getByRole('heading', { level: 1 }).waitFor();
        await screen.waitForLoadState('networkidle');
        found.push(...(await audit(screen, path)));
      }

      const admin = await newPage(browser, size);
      await logIn(admin.page, stack.web, ADMIN.email, ADMIN.password, '/admin');
      await admin.page.waitForURL('**/admin');
      await expect.poll(() => admin.page.getByTestId('admin-trades').locator('tbody tr').count()).toBeGreaterThan(0);
      await admin.page.getByTestId('admin-account-row').filter({ hasText: 'Vendedor' }).click();
      await admin.page.getByTestId('admin-account-order').first().waitFor();
      found.push(...(await audit(admin.page, '/admin, an account open')));

      expect(found).toEqual([]);
      for (const { errors } of [visitor, trader, admin]) expect(errors).toEqual([]);
      await Promise.all([visitor, trader, admin].map(({ context }) => context.close()));
    });
  }
});
