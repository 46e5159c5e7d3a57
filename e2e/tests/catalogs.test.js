// Catalogs in the browser: search in Japanese, open an item, follow a crosswalk link to the
// guideline section it cites.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { E2E_DIR, freshTotp, newPage, signIn, USERS, withServerAndBrowser } from './helpers.js';

const SHOTS = process.env.SCREENSHOTS === '1';
const OUT_DIR = path.join(E2E_DIR, 'screenshots');

/** Full-page screenshots at desktop and phone width (only with SCREENSHOTS=1). */
async function shoot(page, name) {
  if (!SHOTS) return;
  mkdirSync(OUT_DIR, { recursive: true });
  for (const [label, width, height] of [['desktop', 1280, 900], ['phone', 390, 844]]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: path.join(OUT_DIR, `${name}-${label}.png`), fullPage: true, animations: 'disabled' });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('catalogs (browser)', { timeout: 120_000 }, () => {
  let server;
  let browser;
  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

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

  test('the platform administrator uploads a CSV, checks the diff and confirms the new version', { timeout: 90_000 }, async () => {
    const base = server.baseUrl;
    const { context, page } = await newPage(browser);
    page.on('dialog', (d) => d.accept());
    try {
      // A platform administrator must enrol a second factor first.
      await signIn(page, base, USERS.admin);
      await page.goto(`${base}/profile/mfa`);
      const secret = (await page.textContent('[data-testid="totp-secret"]')).trim();
      const { code } = await freshTotp(secret);
      await page.fill('input[name="code"]', code);
      await Promise.all([page.waitForLoadState('load'), page.click('button.primary')]);

      await page.goto(`${base}/catalogs`);
      await Promise.all([page.waitForURL(/\/catalog-imports$/), page.click('a[href="/catalog-imports"]')]);
      assert.equal((await page.textContent('h1')).trim(), '公式文書の新しい版の読み込み');
      await shoot(page, '16-catalog-import');

      // The BCP checklist: item 1-1 kept word for word, one new item.
      const keep = '1-1';
      await page.selectOption('select[name="document"]', 'mhlw/bcp-checklist');
      await page.fill('input[name="version"]', '2026-06');
      await page.fill('input[name="title"]', 'サイバー攻撃を想定した事業継続計画(BCP)確認表(試験)');
      await page.fill('input[name="published"]', '2026-06');
      // Broken first: a duplicate number is refused with its row and column.
      await page.setInputFiles('input[name="file"]', {
        name: 'bcp.csv', mimeType: 'text/csv', buffer: Buffer.from('項番,内容\n1-1,a\n1-1,b\n'),
      });
      await Promise.all([page.waitForLoadState('load'), page.click('form[enctype] button.primary')]);
      assert.ok((await page.textContent('p.error')).includes('行 3, 列 A'));
      assert.equal(await page.inputValue('input[name="version"]'), '2026-06', 'the form keeps its values');

      await page.setInputFiles('input[name="file"]', {
        name: 'bcp.csv', mimeType: 'text/csv',
        buffer: Buffer.from(`項番,内容\n${keep},改訂後の文言(試験)\n9-9,新しく加わった確認項目(試験)\n`),
      });
      await Promise.all([page.waitForURL(/\/catalog-imports\/[0-9a-f-]+$/), page.click('form[enctype] button.primary')]);
      assert.ok((await page.textContent('.diff-summary')).includes('追加 1 件'));
      assert.ok((await page.textContent('.diff-summary')).includes('変更 1 件'));
      await shoot(page, '17-catalog-import-preview');

      await Promise.all([
        page.waitForURL(/\/catalogs\/mhlw\/bcp-checklist@2026-06$/),
        page.click('form[action$="/confirm"] button'),
      ]);
      assert.ok((await page.textContent('h1')).includes('(試験)'));
      assert.ok((await page.content()).includes('新しく加わった確認項目(試験)'));
    } finally {
      await context.close();
    }
  });
});
