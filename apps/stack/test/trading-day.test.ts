import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import { aroundNoon, launchChromium, logIn, newPage, signUp, ticket } from './browser.js';

/**
 * Good-till-date orders and the close of the day, on a platform with trading hours, open now: it trades every day
 * from 00:00 to 23:59 in a zone where it is about noon as the test runs.
 */
const { timeZone, hoursAhead } = aroundNoon();
const ADMIN = { email: 'closer@example.test', password: 'closer admin pass' };
let stack: LaunchedStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    launchStack({
      MARKET_OPEN: '00:00',
      MARKET_CLOSE: '23:59',
      MARKET_TIMEZONE: timeZone,
      MARKET_DAYS: 'sun-sat',
      MARKET_HOLIDAYS: '',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    }),
    launchChromium(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Today and tomorrow in the exchange's zone, `YYYY-MM-DD`. */
const localDay = (daysOn: number) =>
  new Date(Date.now() + hoursAhead * 3_600_000 + daysOn * 86_400_000).toISOString().slice(0, 10);
const dayMonth = (day: string) => day.split('-').reverse().slice(0, 2).join('/');
let gtdTrader: Awaited<ReturnType<typeof newPage>>;

describe('good-till-date orders from the ticket', () => {
  it('asks for the day, says when the order expires, and shows it on the order', async () => {
    gtdTrader = await newPage(browser);
    const { page } = gtdTrader;
    await signUp(page, stack.web, 'Prazo');
    const form = page.getByTestId('order-ticket');
    await form.getByLabel('Validade').selectOption('GTD');
    await ticket(page, 'Comprar', '30,00', '1', null);
    await expect
      .poll(() => form.getByTestId('ticket-expires-on-error').textContent(), { timeout: 5_000 })
      .toBe('Escolha até quando a ordem vale.');
    // A day the exchange's calendar rules out is refused on the field before anything is sent.
    await form.getByLabel('Válida até').fill(localDay(800));
    await ticket(page, 'Comprar', '30,00', '1', null);
    await expect
      .poll(() => form.getByTestId('ticket-expires-on-error').textContent(), { timeout: 5_000 })
      .toBe('No máximo um ano à frente.');
    for (const day of [localDay(0), localDay(1)]) {
      await form.getByLabel('Válida até').fill(day);
      await expect
        .poll(() => form.getByTestId('ticket-gtd-expiry').textContent(), { timeout: 5_000 })
        .toBe(`Expira no encerramento do pregão de ${day.split('-').reverse().join('/')}, às 23:59.`);
      await ticket(page, 'Comprar', '30,00', '1');
      await expect.poll(() => form.textContent(), { timeout: 5_000 }).toMatch(/Ordem enviada: compra 1 PETR4/);
    }
    const goodTill = page.getByTestId('open-orders').getByTestId('order-good-till');
    await expect
      .poll(async () => (await goodTill.allTextContents()).sort(), { timeout: 10_000 })
      .toEqual([`até ${dayMonth(localDay(0))}`, `até ${dayMonth(localDay(1))}`].sort());
    // The one good till tomorrow is moved to the day after, in its row, as its price would be.
    const tomorrows = page
      .getByTestId('open-orders')
      .getByTestId('order-row')
      .filter({ hasText: `até ${dayMonth(localDay(1))}` });
    // Its editor replaces the day's text: the row is found by its order from then on.
    const row = page.locator(`[data-order-id="${await tomorrows.getAttribute('data-order-id')}"]`);
    await row.getByRole('button', { name: 'Alterar' }).click();
    await row.getByLabel('Válida até').fill(localDay(2));
    await row.getByRole('button', { name: 'Salvar' }).click();
    await expect
      .poll(async () => (await goodTill.allTextContents()).sort(), { timeout: 10_000 })
      .toEqual([`até ${dayMonth(localDay(0))}`, `até ${dayMonth(localDay(2))}`].sort());
  });
});

describe("an administrator's early close of the day", () => {
  it("ends the day's trading: the panel says until when, a trader's open page says so at once, and a reopening undoes it", async () => {
    const trader = await newPage(browser);
    await signUp(trader.page, stack.web, 'Atrasada');
    const traderTicket = trader.page.getByTestId('order-ticket');
    await ticket(trader.page, 'Comprar', '30,00', '1');
    await expect.poll(() => traderTicket.textContent(), { timeout: 5_000 }).toMatch(/Ordem enviada: compra 1 PETR4/);
    expect(await traderTicket.getByTestId('ticket-market-closed').count()).toBe(0);

    const admin = await newPage(browser);
    await logIn(admin.page, stack.web, ADMIN.email, ADMIN.password, '/admin');
    await expect
      .poll(() => admin.page.getByTestId('admin-session').textContent(), { timeout: 10_000 })
      .toMatch(/^Pregão aberto: fecha /);
    await admin.page.getByRole('button', { name: 'Encerrar pregão' }).click();
    await admin.page
      .getByRole('button', { name: 'Confirmar: encerrar o pregão de hoje e expirar as ordens do dia' })
      .click();
    await expect
      .poll(() => admin.page.getByTestId('end-of-day-notice').textContent(), { timeout: 5_000 })
      .toMatch(/encerrado: expiram as ordens do dia e as válidas até ele; novas ordens só na próxima abertura\.$/);
    await expect
      .poll(() => admin.page.getByTestId('admin-session').textContent(), { timeout: 5_000 })
      .toMatch(/^Pregão fechado: abre .*, 00:00 /);

    // The trader's open page hears of it on its tickers stream: its ticket says so, with no order sent.
    const closedNotice = traderTicket.getByTestId('ticket-market-closed');
    await expect.poll(() => closedNotice.count(), { timeout: 5_000 }).toBe(1);
    await expect
      .poll(() => closedNotice.textContent(), { timeout: 5_000 })
      .toMatch(/^Pregão fechado: novas ordens só no horário de negociação\. Abre .*, 00:00 /);
    expect(await traderTicket.getByRole('button', { name: /Comprar PETR4/ }).isDisabled()).toBe(true);

    // Closed by mistake: the administrator reopens it, and the trader's page takes orders again at once.
    await admin.page.getByRole('button', { name: 'Reabrir pregão' }).click();
    await admin.page.getByRole('button', { name: 'Confirmar: reabrir o pregão de hoje' }).click();
    await expect
      .poll(() => admin.page.getByTestId('end-of-day-notice').textContent(), { timeout: 5_000 })
      .toBe('Pregão reaberto: novas ordens até 23:59; as ordens do dia já expiradas seguem expiradas.');
    await expect.poll(() => closedNotice.count(), { timeout: 5_000 }).toBe(0);
    await expect
      .poll(() => admin.page.getByTestId('admin-session').textContent(), { timeout: 5_000 })
      .toMatch(/^Pregão aberto: fecha /);
    expect(await admin.page.getByRole('button', { name: 'Reabrir pregão' }).count()).toBe(0);
    expect(trader.errors).toEqual([]);
    expect(admin.errors).toEqual([]);
  });
});

describe('the close of the day, for good-till-date orders', () => {
  it('expires the one good till today; the one moved to the day after tomorrow stays open', async () => {
    const goodTill = gtdTrader.page.getByTestId('open-orders').getByTestId('order-good-till');
    await expect.poll(() => goodTill.allTextContents(), { timeout: 10_000 }).toEqual([`até ${dayMonth(localDay(2))}`]);
    expect(gtdTrader.errors).toEqual([]);
  });
});
