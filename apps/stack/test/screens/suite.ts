import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import type { LaunchedStack } from '../../bench/launch.js';

/**
 * What the browser suite's tests share: one embedded stack and one Chromium, started by `browser.test.ts` before any
 * test runs (so read them inside a test, not when the tests are declared).
 */
export interface BrowserSuite {
  stack: LaunchedStack;
  browser: Browser;
}

/** The admin the stack is started with. */
export const ADMIN = { email: 'panel@example.test', password: 'browser admin pass' };

/** Screenshots go here; `SCREENSHOTS_DIR=../web/screenshots` refreshes the ones in the README. */
export const SCREENSHOTS = resolve(process.env['SCREENSHOTS_DIR'] ?? join(tmpdir(), 'bolsa-screenshots'));
