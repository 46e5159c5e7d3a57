// Catalogs in the browser: search in Japanese, open an item, follow a crosswalk link to the
// guideline section it cites.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { USERS, launchBrowser, newPage, signIn, startServer } from './helpers.js';

describe('catalogs (browser)', { timeout: 120_000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  }, { timeout: 60_000 });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  }, { timeout: 30_000 });

  test('search 台帳, open the checklist item, follow its crosswalk to the guideline', { timeout: 90_000 }, async () => {
    const base = server.baseUrl;
    const { context, page } = await newPage(browser);
    try {
      await signIn(page, base, USERS.staff ?? 'shokuin@sakura.example.jp');
      // The catalogs are one click away in the top bar.
      await Promise.all([page.waitForLoadState('load'), page.click('nav.mainnav a[href="/catalogs"]')]);
      assert.equal((await page.textContent('h1')).trim(), '公式文書(カタログ)');

      await page.fill('input[name="q"]', '台帳');
      await Promise.all([page.waitForURL(/\/catalogs\/search\?q=/), page.click('form.searchbar button')]);
      const results = page.locator('[data-testid="search-results"] li');
      assert.ok((await results.count()) >= 3, 'checklist, guideline and BCP hits');
      assert.equal((await page.locator('[data-testid="search-results"] mark').first().textContent()).trim(), '台帳');
      const texts = await results.allTextContents();
      assert.ok(texts.some((t) => t.includes('情報機器等の台帳管理')), 'the guideline section is found');

      // Open the 令和6年度 institution checklist item 2-(1).
      const item = page.locator('[data-testid="search-results"] a[href="/catalogs/mhlw/cyber-checklist-institution@R6/items/2-1"]');
      await Promise.all([page.waitForURL(/items\/2-1$/), item.click()]);
      assert.equal((await page.textContent('h1')).trim(), '2-(1)');
      assert.ok((await page.textContent('.item-text')).includes('台帳管理'));

      // Follow the crosswalk to 企画管理編 9.1.
      const link = page.locator('[data-testid="related-link"][href="/catalogs/mhlw/guideline-management@6.0#s9.1"]');
      assert.equal(await link.count(), 1, 'a crosswalk link to 企画管理編 9.1');
      await Promise.all([page.waitForURL(/guideline-management@6\.0#s9\.1$/), link.click()]);
      assert.ok((await page.textContent('h1')).includes('企画管理編'));
      assert.ok(await page.locator('section#s9\\.1').isVisible(), 'the cited section is on the page');
      assert.ok((await page.textContent('section#s9\\.1 h2')).includes('情報機器等の台帳管理'));
    } finally {
      await context.close();
    }
  });
});
