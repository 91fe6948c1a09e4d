import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { LaunchedStack } from '../../bench/launch.js';
import { expect, it } from 'vitest';
import { holdBack, newPage, program, programAccount, signUp, streamLive, ticket } from '../browser.js';
import { SCREENSHOTS, type BrowserSuite } from './suite.js';

/** The chart, a phone's screen, live streams that fail and resume, and price alerts. */
export function liveDataScreens(suite: BrowserSuite): void {
  it(
    "counts each trade once in the chart's last candle: those its history has, and those that come live",
    {
      timeout: 60_000,
    },
    async () => {
      const [seller, buyer] = await Promise.all([
        programAccount(suite.stack.api, 'VendeAbev'),
        programAccount(suite.stack.api, 'CompraAbev'),
      ]);
      const trade = async (quantity: string) => {
        await program(suite.stack.api, seller, 'sell', 'ABEV3', '13.07', quantity);
        await program(suite.stack.api, buyer, 'buy', 'ABEV3', '13.07', quantity);
      };
      /** The last one-minute candle's volume as the API counts it, as the chart writes it. */
      const apiVolume = async () => {
        const candles = (await (await fetch(`${suite.stack.api}/api/markets/ABEV3/candles?interval=1m`)).json()) as {
          volume: string;
        }[];
        return `vol. ${Number(candles.at(-1)?.volume ?? 0).toLocaleString('pt-BR')}`;
      };
      await trade('7');
      await expect.poll(apiVolume, { timeout: 5_000 }).not.toBe('vol. 0');
      const { page, errors } = await newPage(suite.browser);
      await signUp(page, suite.stack.web, 'Grafico');
      await page.goto(`${suite.stack.web}/trade/ABEV3`);
      await streamLive(page, 'mercado');
      const chartVolume = () => page.getByTestId('chart-last-volume').textContent();
      // The trade before the page is in the candles loaded and in the recent trades loaded: counted once.
      await expect.poll(async () => (await chartVolume()) === (await apiVolume())).toBe(true);
      await page.waitForTimeout(1_000);
      expect(await chartVolume()).toBe(await apiVolume());
      // A trade that comes live adds its own quantity, once.
      await trade('3');
      await expect.poll(async () => (await chartVolume()) === (await apiVolume()), { timeout: 5_000 }).toBe(true);
      expect(errors).toEqual([]);
    },
  );

  it('fits a phone: one column, nothing wider than the screen, the ticket usable', { timeout: 60_000 }, async () => {
    const phone = await newPage(suite.browser, { width: 390, height: 844 });
    await signUp(phone.page, suite.stack.web, 'Celular');
    const width = async () => Number(await phone.page.evaluate('document.documentElement.scrollWidth'));
    expect(await width()).toBeLessThanOrEqual(390);
    const phoneTicket = phone.page.getByTestId('order-ticket');
    await phoneTicket.scrollIntoViewIfNeeded();
    const box = await phoneTicket.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    // On a phone the chart comes first, then the ticket, the trader's own orders, and the book below them.
    const top = async (testId: string) => (await phone.page.getByTestId(testId).boundingBox())!.y;
    expect(await top('chart')).toBeLessThan(await top('order-ticket'));
    expect(await top('order-ticket')).toBeLessThan(await top('open-orders'));
    expect(await top('open-orders')).toBeLessThan(await top('order-book'));
    await phoneTicket.getByLabel('Quantidade', { exact: true }).fill('10');
    await phoneTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    await expect.poll(() => phoneTicket.textContent(), { timeout: 5_000 }).toMatch(/Ordem enviada/);
    expect(await width()).toBeLessThanOrEqual(390);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'phone.png'), fullPage: true });

    // What the exchange did without being asked is told too: a market buy where nobody sells is cancelled.
    await phone.page.getByLabel('Ativo').selectOption('ABEV3');
    await phone.page.waitForURL('**/trade/ABEV3');
    await phoneTicket.getByLabel('Tipo').selectOption('market');
    await phoneTicket.getByLabel('Quantidade', { exact: true }).fill('5');
    await phoneTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    await phoneTicket.getByTestId('market-confirm').waitFor();
    await phoneTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    await expect
      .poll(() => phone.page.getByTestId('outcome-notice').allTextContents(), { timeout: 5_000 })
      .toContain('Ordem ABEV3 cancelada (sem liquidez)');

    // Two more resting orders (beside the PETR4 buy above), then one click and its confirmation cancel them all.
    // The first one is slow to be answered: the ticket says it is on its way, and Enter again sends nothing more.
    await phoneTicket.getByLabel('Tipo').selectOption('limit');
    const placements: string[] = [];
    phone.page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/orders')
        placements.push(request.url());
    });
    const placing = /\/api\/orders$/;
    await holdBack(phone.page, placing, 1_500);
    await phoneTicket.getByLabel('Preço', { exact: true }).fill('12,00');
    await phoneTicket.getByLabel('Quantidade', { exact: true }).fill('5');
    await phoneTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    const sendingButton = phoneTicket.getByRole('button', { name: 'Enviando…' });
    expect(await sendingButton.isDisabled({ timeout: 5_000 })).toBe(true);
    await phoneTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    await expect.poll(() => phoneTicket.textContent(), { timeout: 10_000 }).toMatch(/Ordem enviada: compra 5 ABEV3/);
    await phone.page.unroute(placing);
    expect(await sendingButton.count()).toBe(0);
    await ticket(phone.page, 'Comprar', '12,10', '5');
    expect(placements).toHaveLength(2);
    const open = phone.page.getByTestId('open-orders').getByTestId('order-row');
    await expect.poll(() => open.count(), { timeout: 10_000 }).toBe(3);
    // The table is wider than the phone; each order's actions stay in view at its right edge all the same.
    const cancelButton = await open.first().getByRole('button', { name: 'Cancelar' }).boundingBox();
    expect(cancelButton!.x + cancelButton!.width).toBeLessThanOrEqual(390);
    await phone.page.getByRole('button', { name: 'Cancelar todas' }).click();
    await phone.page.getByRole('button', { name: 'Confirmar: cancelar 3' }).click();
    // Three cancels through the engine and back: more than expect.poll's default second when CI is busy.
    await expect.poll(() => open.count(), { timeout: 10_000 }).toBe(0);
    await expect
      .poll(() => phone.page.getByTestId('open-orders').getByTestId('empty-list').textContent())
      .toBe('Nenhuma ordem aberta.');
    expect(phone.errors).toEqual([]);
  });

  it(
    'resumes a live stream from its last event when it is opened again after failing, so the book misses nothing',
    { timeout: 60_000 },
    async () => {
      const { page, errors } = await newPage(suite.browser);
      await watchStreams(page);
      await signUp(page, suite.stack.web, 'Retomada');
      const { asks, seller } = await openBookWithAsk(suite.stack, page, 'ITUB4', '34.13');
      await failStream(page, '/api/stream/markets/ITUB4');
      // While the page has no stream, the book changes.
      await program(suite.stack.api, seller, 'sell', 'ITUB4', '34.11', '9');
      await streamLive(page, 'mercado', 10_000);
      expect(await streamsOpened(page, '/api/stream/markets/ITUB4')).toEqual([
        `${suite.stack.web}/api/stream/markets/ITUB4`,
        expect.stringMatching(/\/api\/stream\/markets\/ITUB4\?lastEventId=\d+$/),
      ]);
      await expect
        .poll(() => asks.getByRole('button', { name: 'venda a 34,11 quantidade 9 em 1 ordem' }).count(), {
          timeout: 5_000,
        })
        .toBe(1);
      expect(errors).toEqual([]);
    },
  );

  it(
    'loads the book again when the API cannot replay what the page missed (an event id it never gave)',
    { timeout: 60_000 },
    async () => {
      const { page, errors } = await newPage(suite.browser);
      await watchStreams(page, { resumeFrom: 999_999_999 });
      await signUp(page, suite.stack.web, 'Recomeco');
      const { asks, seller } = await openBookWithAsk(suite.stack, page, 'BBDC4', '17.13');
      await failStream(page, '/api/stream/markets/BBDC4');
      await program(suite.stack.api, seller, 'sell', 'BBDC4', '17.11', '8');
      await streamLive(page, 'mercado', 10_000);
      expect((await streamsOpened(page, '/api/stream/markets/BBDC4')).at(-1)).toMatch(/lastEventId=999999999$/);
      // Told to start over (resync), the page loads the book again and so shows the order it did not hear of.
      await expect
        .poll(() => asks.getByRole('button', { name: 'venda a 17,11 quantidade 8 em 1 ordem' }).count(), {
          timeout: 5_000,
        })
        .toBe(1);
      // And the stream goes on from there.
      await program(suite.stack.api, seller, 'sell', 'BBDC4', '17.12', '7');
      await expect
        .poll(() => asks.getByRole('button', { name: 'venda a 17,12 quantidade 7 em 1 ordem' }).count(), {
          timeout: 5_000,
        })
        .toBe(1);
      expect(errors).toEqual([]);
    },
  );
  it(
    'sets off a price alert made on the trading screen when the instrument trades at its price, and says so',
    { timeout: 60_000 },
    async () => {
      const { page, errors } = await newPage(suite.browser);
      await signUp(page, suite.stack.web, 'Alertas');
      await page.goto(`${suite.stack.web}/trade/BBDC4`);
      await streamLive(page, 'conta');
      const panel = page.getByTestId('price-alerts');
      await panel.getByText('Nenhum alerta.').waitFor();
      const rows = panel.getByTestId('alert-row');
      // The chart's averages the trader draws are drawn again on their next visit (below, after a reload).
      const twentyOne = page.getByTestId('chart').getByRole('button', { name: 'MMA 21', exact: true });
      await twentyOne.click();
      await expect.poll(() => twentyOne.getAttribute('aria-pressed')).toBe('true');
      const make = async (condition: 'at_or_above' | 'at_or_below', price: string) => {
        await panel.getByLabel('Condição do alerta').selectOption(condition);
        await panel.getByLabel('Preço do alerta').fill(price);
        await panel.getByRole('button', { name: 'Criar' }).click();
      };
      // A price that is none is refused, and says what one looks like.
      await make('at_or_above', '15,555');
      await expect.poll(() => panel.getByTestId('alert-error').textContent()).toBe('Informe um preço como 42,00.');
      await make('at_or_above', '15,60');
      await expect.poll(() => rows.count()).toBe(1);
      await make('at_or_below', '10,00');
      await expect
        .poll(() => rows.allTextContents())
        .toEqual(['BBDC4 cai a R$\u00a010,00aguardandoExcluir', 'BBDC4 sobe a R$\u00a015,60aguardandoExcluir']);
      expect(await panel.getByTestId('alert-error').count()).toBe(0);

      // Two programs trade BBDC4 at 15,70: the first alert goes off, the page says so, the second waits on.
      const [seller, buyer] = await Promise.all([
        programAccount(suite.stack.api, 'VendeAlerta'),
        programAccount(suite.stack.api, 'CompraAlerta'),
      ]);
      await program(suite.stack.api, seller, 'sell', 'BBDC4', '15.70', '1');
      await program(suite.stack.api, buyer, 'buy', 'BBDC4', '15.70', '1');
      await expect
        .poll(() => page.getByTestId('alert-notice').textContent(), { timeout: 10_000 })
        .toBe('Alerta: BBDC4 negociado a R$\u00a015,70 (sobe a R$\u00a015,60)');
      const setOff = panel.locator('[data-testid="alert-row"][data-state="set-off"]');
      await expect
        .poll(() => setOff.textContent())
        .toMatch(/^BBDC4 sobe a R\$\u00a015,60disparado às [\d:]+ \(R\$\u00a015,70\)/);
      expect(await panel.locator('[data-state="waiting"]').textContent()).toMatch(
        /^BBDC4 cai a R\$\u00a010,00aguardando/,
      );

      await page.screenshot({ path: join(SCREENSHOTS, 'price-alerts.png'), fullPage: true });

      // Opened again, the page lists it as it was left, set off, with no notice for what it already told.
      await page.reload();
      await expect.poll(() => setOff.count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => twentyOne.getAttribute('aria-pressed')).toBe('true');
      expect(await page.getByTestId('chart-average-21').textContent()).toBe('MMA 21 —');
      expect(await page.getByTestId('alert-notice').count()).toBe(0);
      await panel.getByRole('button', { name: 'Excluir alerta BBDC4 sobe a R$\u00a015,60' }).click();
      await expect.poll(() => rows.count()).toBe(1);
      await page.reload();
      await expect
        .poll(() => rows.allTextContents(), { timeout: 10_000 })
        .toEqual(['BBDC4 cai a R$\u00a010,00aguardandoExcluir']);
      // A buy of the trader's rests at 15,80, where an alert of theirs waits too.
      await make('at_or_above', '15,80');
      await expect.poll(() => rows.count()).toBe(2);
      await ticket(page, 'Comprar', '15,80', '1');
      const openRows = page.getByTestId('open-orders').getByTestId('order-row');
      await expect
        .poll(() => openRows.allTextContents(), { timeout: 10_000 })
        .toEqual([expect.stringMatching(/BBDC4/)]);

      // The account page lists the alerts too, to delete, and makes none (it has no instrument on screen); what
      // happens to the trader's orders and alerts while it is open is told there as on the trading screen.
      await page.goto(`${suite.stack.web}/account`);
      await streamLive(page, 'conta');
      await expect
        .poll(() => rows.allTextContents(), { timeout: 10_000 })
        .toEqual(['BBDC4 sobe a R$\u00a015,80aguardandoExcluir', 'BBDC4 cai a R$\u00a010,00aguardandoExcluir']);
      expect(await panel.getByRole('button', { name: 'Criar' }).count()).toBe(0);
      await program(suite.stack.api, seller, 'sell', 'BBDC4', '15.80', '1');
      await expect
        .poll(() => page.getByTestId('fill-notice').textContent(), { timeout: 10_000 })
        .toBe('Compra executada: 1 BBDC4 a R$\u00a015,80');
      await expect
        .poll(() => page.getByTestId('alert-notice').textContent(), { timeout: 10_000 })
        .toBe('Alerta: BBDC4 negociado a R$\u00a015,80 (sobe a R$\u00a015,80)');
      await expect
        .poll(() => panel.locator('[data-state="set-off"]').textContent())
        .toMatch(/^BBDC4 sobe a R\$\u00a015,80disparado às [\d:]+ \(R\$\u00a015,80\)/);
      await panel.getByRole('button', { name: 'Excluir alerta BBDC4 sobe a R$\u00a015,80' }).click();
      await panel.getByRole('button', { name: 'Excluir alerta BBDC4 cai a R$\u00a010,00' }).click();
      await panel.getByText('Nenhum alerta.').waitFor();

      // The market page tells them of their fills too, with their account's stream beside the quotes'.
      await page.goto(`${suite.stack.web}/trade/BBDC4`);
      // As a trader waits for the screen to be up before typing (it failed once in CI typed at once: no order listed).
      await streamLive(page, 'conta');
      await ticket(page, 'Comprar', '15,90', '2');
      await expect
        .poll(() => openRows.allTextContents(), { timeout: 10_000 })
        .toEqual([expect.stringMatching(/BBDC4/)]);
      await page.goto(`${suite.stack.web}/markets`);
      await streamLive(page, 'conta');
      await program(suite.stack.api, seller, 'sell', 'BBDC4', '15.90', '2');
      await expect
        .poll(() => page.getByTestId('fill-notice').textContent(), { timeout: 10_000 })
        .toBe('Compra executada: 2 BBDC4 a R$\u00a015,90');
      expect(errors).toEqual([]);
    },
  );
}

/**
 * Notes each EventSource the page opens, so that a test can make one fail as the browser does when the API is away
 * (it stops retrying after an error answer) and see what the page opens next. With `resumeFrom`, a stream opened
 * again resumes from that id instead of its own.
 */
async function watchStreams(page: Page, { resumeFrom }: { resumeFrom?: number } = {}): Promise<void> {
  await page.addInitScript(`{
    const Native = window.EventSource;
    const resumeFrom = ${resumeFrom ?? 'undefined'};
    window.openedStreams = [];
    window.EventSource = class extends Native {
      constructor(url, init) {
        const resumed = String(url).replace(/lastEventId=\\d+/, (found) => resumeFrom === undefined ? found : 'lastEventId=' + resumeFrom);
        super(resumed, init);
        window.openedStreams.push(this);
      }
    };
  }`);
}

/** The addresses of the page's streams to `path`, in the order it opened them. */
async function streamsOpened(page: Page, path: string): Promise<string[]> {
  return page.evaluate(`window.openedStreams.map((source) => source.url).filter((url) => url.includes('${path}'))`);
}

/** The stream to `path` fails for good, as an EventSource does after an error answer; the page says so. */
async function failStream(page: Page, path: string): Promise<void> {
  await page.evaluate(`{
    const stream = window.openedStreams.find((source) => source.url.endsWith('${path}'));
    stream.close();
    stream.onerror(new Event('error'));
  }`);
  await page.getByTestId('stream-mercado').and(page.locator('[data-state="closed"]')).waitFor();
}

/** The trade screen of `symbol`, live, with a program's sell of 2 at `price` in its book. */
async function openBookWithAsk(stack: LaunchedStack, page: Page, symbol: string, price: string) {
  await page.goto(`${stack.web}/trade/${symbol}`);
  await streamLive(page, 'mercado');
  const asks = page.getByTestId('order-book').getByTestId('asks');
  const seller = await programAccount(stack.api, `Livro${symbol}`);
  await program(stack.api, seller, 'sell', symbol, price, '2');
  await expect.poll(() => asks.textContent(), { timeout: 5_000 }).toContain(price.replace('.', ','));
  return { asks, seller };
}
