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

  // First, so payments-api is not in its cooldown yet; the next test approves this proposal.
  test('at 1,000 px wide: the README walk-through, the Fire-alert panel, pills inside cards, toasts over no button, replies from the app', async () => {
    try {
      await page.setViewportSize({ width: 1000, height: 800 });
      await page.goto(sandbox.consoleUrl);
      await page.waitForSelector('body[data-ready="true"]');
      await page.waitForSelector('#live.on');
      const fire = page.locator('button.alert-btn[data-service="checkout-web"]');
      await expect(fire.isVisible()).resolves.toBe(true);
      const box = (await fire.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(1000);
      await page.locator('.deploy .pill').first().waitFor();
      const overflow = await page.evaluate(
        "[...document.querySelectorAll('.deploy')].filter((d) => { const c = d.getBoundingClientRect(); const p = d.querySelector('.pill'); if (!p) return false; const r = p.getBoundingClientRect(); return r.right > c.right + 0.5 || r.left < c.left - 0.5; }).map((d) => d.getAttribute('data-deployment'))",
      );
      expect(overflow).toEqual([]);

      // The README, as typed: alice asks, with a reason; the proposal shows it.
      await page.selectOption('#user', 'U0ALICE');
      await page.fill('#command', '/rollback payments-api because errors after deploy');
      await page.press('#command', 'Enter');
      await page
        .locator('.msg', { has: page.locator('button[data-action-id="rollback_approve"]') })
        .filter({ hasText: 'because errors after deploy' })
        .waitFor({ timeout: 15_000 });

      await fire.click();
      await page.locator('.toast').first().waitFor();
      const covered = await page.evaluate(
        "(() => { const t = [...document.querySelectorAll('.toast')].map((x) => x.getBoundingClientRect()); return [...document.querySelectorAll('button, input, select')].filter((b) => { const r = b.getBoundingClientRect(); return r.width > 0 && t.some((q) => q.left < r.right && q.right > r.left && q.top < r.bottom && q.bottom > r.top); }).map((b) => b.textContent || b.id); })()",
      );
      expect(covered).toEqual([]);
      await expect(
        page.evaluate("getComputedStyle(document.getElementById('toasts')).pointerEvents"),
      ).resolves.toBe('none');

      // A /rollback while the alert's proposal is open: told privately, by the app, where the reason went.
      await page.locator('#channels li', { hasText: 'checkout-oncall' }).click();
      await page
        .locator('.msg button[data-action-id="rollback_dismiss"]')
        .first()
        .waitFor({ timeout: 15_000 });
      await page.fill('#command', '/rollback checkout-web because errors after deploy');
      await page.press('#command', 'Enter');
      const reply = page.locator('.msg.ephemeral').filter({ hasText: 'errors after deploy' });
      await reply.waitFor({ timeout: 15_000 });
      await expect(reply.locator('.author').textContent()).resolves.toBe(sandbox.world.slackSim.app.botName);
      await expect(reply.textContent()).resolves.toMatch(/is not on it: the proposal came from an alert/);
      await mkdir(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, 'console-1000px.png') });
      expect(pageErrors).toEqual([]);
    } catch (err) {
      await page.screenshot({ path: join(OUTPUT, 'console-1000px-failure.png') }).catch(() => {});
      throw err;
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  }, 90_000);

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
