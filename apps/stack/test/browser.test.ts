import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe } from 'vitest';
import { launchStack } from '../bench/launch.js';
import { launchChromium } from './browser.js';
import { accountAndMarketScreens } from './screens/account-and-markets.js';
import { adminAndFailureScreens } from './screens/admin-and-failures.js';
import { liveDataScreens } from './screens/live-data.js';
import { ADMIN, SCREENSHOTS, type BrowserSuite } from './screens/suite.js';
import { tradingScreens } from './screens/trading.js';

/**
 * The home broker in a real browser (Debian's Chromium driven by playwright-core) against the whole embedded
 * stack: two traders trade with each other through the screens, and the admin panel watches. The tests are in
 * `screens/`, a file for each part of the platform, and share this one stack and browser: started once, as a
 * stack takes tens of seconds to start.
 */
const suite = {} as BrowserSuite;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [suite.stack, suite.browser] = await Promise.all([
    launchStack({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
    launchChromium(),
  ]);
}, 180_000);

afterAll(async () => {
  await suite.browser?.close();
  await suite.stack?.stop();
});

describe('the home broker and the admin panel in a browser', () => {
  tradingScreens(suite);
  accountAndMarketScreens(suite);
  adminAndFailureScreens(suite);
  liveDataScreens(suite);
});
