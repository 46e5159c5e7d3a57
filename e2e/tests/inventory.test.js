// Issue 13's inventory check (棚卸) in Japanese at 1280 and 390 px, checked by axe-core
// (WCAG 2.1 A/AA) on every page it passes: the security officer starts a check from the
// ledger, marks an asset found on its row, records another as moved on its own form (a move
// without a place is refused first), keeps to the unchecked ones, reviews the close with
// what it will change, closes with the unchecked left as they are (the browser's
// confirmation), and finds the new place in the ledger with the check as its reason.
// Screenshots with SCREENSHOTS=1.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accessible, newPage, shot, signIn, withServerAndBrowser } from './helpers.js';

const WIDTHS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

describe('the inventory check (browser)', { timeout: 300_000 }, () => {
  let server;
  let browser;
  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  for (const [width, options] of Object.entries(WIDTHS)) {
    test(`walk, record and close a check at ${width} width`, { timeout: 120_000 }, async (t) => {
      const base = server.baseUrl;
      const { page, context } = await newPage(browser, options);
      const name = `${width} 棚卸`;
      const place = width === 'desktop' ? '本館 3F 病棟' : '別館 1F 事務室';
      try {
        await signIn(page, base, 'anzen@sakura.example.jp');
        await page.goto(`${base}/i/1311234569/ledger`);
        assert.match(await page.textContent('[data-testid=ledger-last-check]'), /最終棚卸/);
        await page.click('[data-testid=ledger-checks-link]');
        await page.waitForURL(/\/checks$/);
        await accessible(page, 'the checks');
        await page.fill('[data-testid=check-start] input[name=name]', name);
        await page.click('[data-testid=check-start] button[type=submit]');
        await page.waitForURL(/\/checks\/[0-9a-f-]+\?ok=flash-check-started/);
        assert.match(await page.textContent('[data-testid=check-summary]'), /0 台を確認/);
        await accessible(page, 'an open check');
        await shot(page, t, `check-open-${width}`, { fullPage: true });

        // 確認済 on the server's row; the list comes back with it recorded.
        const server_row = page.locator('tr', { hasText: '電子カルテサーバ' });
        await server_row.locator('button[value=found]').click();
        await page.waitForURL(/ok=flash-check-recorded/);
        assert.match(await page.locator('tr', { hasText: '電子カルテサーバ' }).textContent(), /確認済/);

        // The reception PC moved: refused without a place, then recorded.
        await page.locator('tr', { hasText: '受付PC-01' }).locator('a', { hasText: '移動・変更' }).click();
        await page.waitForURL(/\/assets\//);
        await accessible(page, 'the record form');
        await page.check('input[name=outcome][value=moved]');
        await page.click('[data-testid=check-record-form] button[type=submit]');
        await page.waitForSelector('.error-summary');
        assert.match(await page.textContent('.error-summary'), /移動先を入力してください/);
        await page.check('input[name=outcome][value=moved]');
        await page.fill('input[name=moved_to]', place);
        await shot(page, t, `check-record-${width}`, { fullPage: true });
        await page.click('[data-testid=check-record-form] button[type=submit]');
        await page.waitForURL(/ok=flash-check-recorded/);

        // Only the unchecked ones.
        await page.check('[data-testid=check-filters] input[name=unchecked]');
        await page.click('[data-testid=check-filters] button[type=submit]');
        await page.waitForURL(/unchecked=1/);
        const left = await page.textContent('[data-testid=check-assets]');
        assert.ok(!left.includes('受付PC-01') && left.includes('VPN装置'), left);

        // The close: what it changes, the unchecked said aloud.
        await page.click('[data-testid=check-close-link]');
        await page.waitForURL(/\/close$/);
        assert.ok((await page.textContent('[data-testid=check-changes]')).includes(place));
        await accessible(page, 'the close');
        await shot(page, t, `check-close-${width}`, { fullPage: true });
        await page.check('input[name=accept_unchecked]');
        page.once('dialog', (d) => d.accept());
        await page.click('[data-testid=check-close-form] button[type=submit]');
        await page.waitForURL(/ok=flash-check-closed/);
        assert.match(await page.textContent('main'), /台帳に反映されました/);

        await page.click('text=機器台帳');
        await page.waitForURL(/\/ledger/);
        await page.click('text=受付PC-01');
        await page.waitForURL(/\/ledger\/[0-9a-f-]+$/);
        const main = await page.textContent('main');
        assert.ok(main.includes(place) && main.includes(`棚卸「${name}」`), main);
        await accessible(page, 'the moved entry');
      } finally {
        await context.close();
      }
    });
  }
});
