/**
 * The sandbox console in a real headless browser (Debian's chromium driven by playwright-core;
 * nothing is downloaded): load the page, fire the payments-api alert, act as bob, press Approve,
 * answer the confirm dialog, and see the rollback succeed. Leaves test-output/console.png.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSandbox, type RunningSandbox } from '../../src/cli/sandbox/console.js';
import { createLogger, memoryDestination } from '../../src/log/logger.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = new URL('../../test-output/', import.meta.url).pathname;
const RUNBOOKS = new URL('../../runbooks/', import.meta.url).pathname;
const haveChromium = existsSync(CHROMIUM);

if (!haveChromium && !process.env.CI) {
  console.warn(
    `SKIPPED console browser test: no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );
}

if (!haveChromium && process.env.CI) {
  test('chromium is installed (CI requires the console browser test)', () => {
    throw new Error(
      `no chromium at ${CHROMIUM}: .ci/run installs Debian's chromium (apt-get install -y chromium); the console browser test cannot run`,
    );
  });
}

(haveChromium ? describe : describe.skip)('sandbox console in headless chromium', () => {
  let sandbox: RunningSandbox;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const log = createLogger({ level: 'debug', destination: memoryDestination() });
    // env without REDIS_URL: the bot keeps its state in memory, away from other tests' keys.
    sandbox = await startSandbox({
      log,
      port: 0,
      runbooksDir: RUNBOOKS,
      stepMs: 60,
      env: { LOG_LEVEL: 'debug' },
    });
    // launch() gives the browser a fresh, empty profile directory of its own (and removes it).
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  test('fire an alert, approve as bob through the confirm dialog, see the rollback succeed', async () => {
    await mkdir(OUTPUT, { recursive: true });
    try {
      await page.goto(sandbox.consoleUrl);
      await page.waitForSelector('body[data-ready="true"]');
      await page.waitForSelector('#live.on');
      await expect(page.locator('#channel-title').textContent()).resolves.toBe('#payments-oncall');
      await page
        .locator('.deploy[data-deployment="payments/payments-api"] .rev')
        .filter({ hasText: 'rev 3' })
        .waitFor();

      await page.click('button.alert-btn[data-service="payments-api"]');
      const approve = page.locator('.msg button[data-action-id="rollback_approve"]');
      await approve.waitFor({ timeout: 15_000 });
      await expect(approve.textContent()).resolves.toBe('Approve');
      await expect(page.locator('.msg .b-header').first().textContent()).resolves.toContain('payments-api');

      await page.selectOption('#user', 'U0BOB');
      // Cancel first: the dialog must hold the click back.
      await approve.click();
      await page.waitForSelector('#dialog:not([hidden])');
      await expect(page.locator('#dialog-title').textContent()).resolves.toBe('Roll back payments-api?');
      await expect(page.locator('#dialog-text').textContent()).resolves.toContain('revision 2');
      await page.click('#dialog-deny');
      await page.waitForSelector('#dialog', { state: 'hidden' });
      await new Promise((r) => setTimeout(r, 300));
      expect((await sandbox.app.repo.active()).find((i) => i.service === 'payments-api')?.state).toBe(
        'proposed',
      );

      await approve.click();
      await page.waitForSelector('#dialog:not([hidden])');
      await expect(page.locator('#dialog-confirm').textContent()).resolves.toBe('Roll back');
      await page.screenshot({ path: join(OUTPUT, 'console-confirm.png') });
      await page.click('#dialog-confirm');

      await page
        .locator('.msg .b-header')
        .filter({ hasText: 'Rolled back: payments-api' })
        .waitFor({ timeout: 30_000 });
      await page
        .locator('.deploy[data-deployment="payments/payments-api"] .deploy-image')
        .filter({ hasText: '1.4.2' })
        .waitFor();
      await page.locator('.deploy[data-deployment="payments/payments-api"] .pill.available').waitFor();
      // Let the last edits and the cluster panel settle for the picture.
      await sandbox.app.idle();
      await page.waitForTimeout(1200);
      await page.click('.msg .thread-toggle');
      await page.locator('.replies .msg').first().waitFor();
      // A string, not a function: the tests are type-checked without the DOM library.
      await page.evaluate(
        "document.querySelectorAll('.flash').forEach((el) => el.classList.remove('flash')); document.getElementById('messages').scrollTop = 0;",
      );
      await page.screenshot({ path: join(OUTPUT, 'console.png') });
      expect(existsSync(join(OUTPUT, 'console.png'))).toBe(true);
      expect(pageErrors).toEqual([]);
    } catch (err) {
      await page.screenshot({ path: join(OUTPUT, 'console-failure.png') }).catch(() => {});
      throw err;
    }
  }, 90_000);
});
