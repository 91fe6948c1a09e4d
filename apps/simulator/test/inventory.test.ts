import type { WalletView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { Inventory } from '../src/inventory.js';

function wallet(cash: string, shares: Record<string, string>): WalletView {
  const balance = (available: string) => ({ available, held: '0', total: available });
  return {
    currency: 'BRL',
    cash: balance(cash),
    positions: Object.entries(shares).map(([symbol, available]) => ({
      symbol,
      ...balance(available),
      costBasis: '0.00',
      averageCost: null,
    })),
  };
}

async function read(view: WalletView): Promise<Inventory> {
  const inventory = new Inventory();
  await inventory.refresh(0, () => Promise.resolve(view));
  return inventory;
}

describe("a bot's inventory", () => {
  it('offers no more shares than its wallet holds free, counting down what it offered since', async () => {
    const inventory = await read(wallet('0.00', { PETR4: '10', VALE3: '0' }));
    expect(inventory.takeShares('PETR4', 6)).toBe(6);
    expect(inventory.takeShares('PETR4', 6)).toBe(4);
    expect(inventory.takeShares('PETR4', 1)).toBe(0);
    expect(inventory.takeShares('VALE3', 1)).toBe(0);
    expect(inventory.takeShares('ITUB4', 1)).toBe(0);
  });

  it('spends no more cash than it holds free, and counts a deposit once it is answered', async () => {
    const inventory = await read(wallet('100.50', {}));
    expect(inventory.takeCash(10_000)).toBe(true);
    expect(inventory.takeCash(51)).toBe(false);
    expect(inventory.takeCash(50)).toBe(true);
    expect(inventory.takeCash(1)).toBe(false);
    inventory.addCash(2_000);
    expect(inventory.takeCash(2_000)).toBe(true);
  });

  it('takes a new reading as it stands, and keeps its count when the wallet cannot be read', async () => {
    const inventory = await read(wallet('10.00', { PETR4: '5' }));
    expect(inventory.takeShares('PETR4', 2)).toBe(2);
    await inventory.refresh(1, () => Promise.resolve(null));
    expect(inventory.takeShares('PETR4', 5)).toBe(3);
    expect(inventory.takeCash(1_000)).toBe(true);
    await inventory.refresh(2, () => Promise.resolve(wallet('10.00', { PETR4: '4' })));
    expect(inventory.takeShares('PETR4', 5)).toBe(4);
    expect(inventory.takeCash(1_000)).toBe(true);
  });

  it('is read again only once due and with nothing on the way, and offers nothing while it is read', async () => {
    const inventory = new Inventory();
    expect(inventory.due(0, 5_000)).toBe(true);
    await inventory.refresh(0, () => Promise.resolve(wallet('10.00', { PETR4: '5' })));
    expect(inventory.due(4_999, 5_000)).toBe(false);
    expect(inventory.due(5_000, 5_000)).toBe(true);

    let answer = (): void => undefined;
    const sent = inventory.send(() => new Promise<void>((resolve) => (answer = resolve)));
    expect(inventory.due(10_000, 5_000)).toBe(false);
    answer();
    await sent;
    expect(inventory.due(10_000, 5_000)).toBe(true);

    let arrive = (_view: WalletView): void => undefined;
    const reading = inventory.refresh(10_000, () => new Promise<WalletView>((resolve) => (arrive = resolve)));
    expect(inventory.isReading).toBe(true);
    expect(inventory.due(20_000, 5_000)).toBe(false);
    expect(inventory.takeShares('PETR4', 1)).toBe(0);
    expect(inventory.takeCash(1)).toBe(false);
    arrive(wallet('10.00', { PETR4: '5' }));
    await reading;
    expect(inventory.isReading).toBe(false);
    expect(inventory.takeShares('PETR4', 1)).toBe(1);
  });

  it('is not thrown off by a request that fails: it is no longer on the way', async () => {
    const inventory = await read(wallet('10.00', {}));
    await expect(inventory.send(() => Promise.reject(new Error('the API restarting')))).rejects.toThrow(Error);
    expect(inventory.due(5_000, 5_000)).toBe(true);
  });
});
