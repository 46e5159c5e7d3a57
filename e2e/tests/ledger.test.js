// Issue 13's ledger journey in Japanese at 1280 and 390 px, checked by axe-core (WCAG 2.1
// A/AA) on every page it passes: the security officer opens the ledger, imports a CP932
// CSV with 機種依存文字 (the review lists what is added; the second width finds them
// unchanged), confirms after the browser's confirmation, finds the imported entries with the
// filter and opens one with its history. Screenshots with SCREENSHOTS=1.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { accessible, E2E_DIR, newPage, shot, signIn, withServerAndBrowser } from './helpers.js';

const WIDTHS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};
const CP932 = readFileSync(path.join(E2E_DIR, '..', 'crates', 'web', 'tests', 'fixtures', 'ledger_cp932.csv'));

describe('the asset ledger (browser)', { timeout: 300_000 }, () => {
  let server;
  let browser;
  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  for (const [width, options] of Object.entries(WIDTHS)) {
    test(`import a ledger and find its entries at ${width} width`, { timeout: 120_000 }, async (t) => {
      const base = server.baseUrl;
      const { page, context } = await newPage(browser, options);
      try {
        await signIn(page, base, 'anzen@sakura.example.jp');
        await page.goto(`${base}/i/1311234569/ledger`);
        await accessible(page, 'the ledger');
        await page.click('[data-testid=ledger-import-link]');
        await page.waitForURL(/\/ledger\/import$/);
        await accessible(page, 'the upload page');
        await shot(page, t, `ledger-upload-${width}`, { fullPage: true });

        const csv = CP932;
        await page.setInputFiles('#import-file', { name: '台帳.csv', mimeType: 'text/csv', buffer: csv });
        await page.click('[data-testid=ledger-import-preview]');
        await page.waitForURL(/\/ledger-imports\//);
        const counts = await page.textContent('[data-testid=import-counts]');
        // The second run finds the first run's entries: unchanged, not added again.
        assert.match(counts, width === 'desktop' ? /追加 3 台/ : /変更なし 3 台/);
        await accessible(page, 'the review');
        await shot(page, t, `ledger-review-${width}`, { fullPage: true });
        if (width === 'desktop') {
          const added = await page.textContent('[data-testid=import-added]');
          assert.ok(added.includes('電子カルテサーバ①') && added.includes('受付PC(髙橋)'), added);
        }
        page.once('dialog', (d) => d.accept());
        await page.click('[data-testid=import-confirm]');
        await page.waitForURL(/\/ledger\?ok=flash-ledger-import-confirmed/);
        assert.match(await page.textContent('main'), /台帳に取り込みました/);

        // The filter finds them; one opens with its history.
        await page.fill('[data-testid=asset-filters] input[name=q]', '本館Ⅲ階');
        await page.click('[data-testid=asset-filters] button[type=submit]');
        await page.waitForURL(/q=/);
        const listed = await page.textContent('[data-testid=assets]');
        assert.ok(listed.includes('電子カルテサーバ①') && listed.includes('VPN装置'), listed);
        assert.ok(!listed.includes('受付PC'), listed);
        await accessible(page, 'the filtered ledger');
        await shot(page, t, `ledger-filtered-${width}`, { fullPage: true });
        await page.click('text=電子カルテサーバ①');
        await page.waitForURL(/\/ledger\/[0-9a-f-]+$/);
        assert.match(await page.textContent('main'), /取り込み: 台帳\.csv/);
        await accessible(page, 'an imported entry');
      } finally {
        await context.close();
      }
    });
  }
});
