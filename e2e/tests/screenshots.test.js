// Every main screen in Japanese at desktop and phone width: it answers with the expected
// status and heading, logs no console error, and never makes the page itself scroll sideways
// (wide tables scroll inside their .table-wrap). Always run; with SCREENSHOTS=1 it also writes
// full-page PNGs to e2e/screenshots/ (gitignored).
//
//   SCREENSHOTS=1 npm test

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { E2E_DIR, INSTITUTION, USERS, freshTotp, launchBrowser, newPage, signIn, startServer } from './helpers.js';

const ENABLED = process.env.SCREENSHOTS === '1';
const OUT_DIR = path.join(E2E_DIR, 'screenshots');

const VIEWPORTS = [
  { name: 'desktop', options: { viewport: { width: 1280, height: 900 } } },
  {
    name: 'phone',
    options: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  },
];

// [file name, path, signed-in user, expected HTTP status, expected <h1> (optional)]
const inst = `/i/${INSTITUTION}`;
const SHOTS = [
  ['01-login', '/login', null, 200, 'ログイン'],
  ['02-dashboard', inst, 'officer', 200, 'ダッシュボード'],
  ['03-members', `${inst}/members`, 'officer', 200],
  ['04-audit', `${inst}/audit`, 'officer', 200, '監査ログ'],
  ['05-settings', `${inst}/settings`, 'officer', 200],
  ['06-profile', '/profile', 'officer', 200],
  ['07-mfa-setup', '/profile/mfa', 'officer', 200, '多要素認証の設定'],
  ['08-tokens', '/profile/tokens', 'officer', 200],
  ['09-admin', '/admin', 'admin', 200],
  ['10-error-404', '/i/9999999999', 'officer', 404],
  ['11-catalogs', '/catalogs', 'officer', 200, '公式文書(カタログ)'],
  ['12-catalog', '/catalogs/mhlw/cyber-checklist-institution@R6', 'officer', 200],
  ['13-catalog-item', '/catalogs/mhlw/cyber-checklist-institution@R6/items/2-1', 'officer', 200, '2-(1)'],
  ['14-catalog-search', '/catalogs/search?q=%E5%8F%B0%E5%B8%B3', 'officer', 200, '検索'],
  ['15-catalog-unverified', '/catalogs/mhlw/cyber-checklist-vendor@R6/items/2-2', 'officer', 200],
  ['18-systems', `${inst}/systems`, 'officer', 200, '医療情報システム'],
  ['19-contracts', `${inst}/contracts`, 'officer', 200, '契約と役割分担'],
  ['20-contract-b', 'contract:B社', 'officer', 200],
  ['21-matrix', `${inst}/matrix`, 'officer', 200, '役割分担マトリクス'],
  ['22-vendor-portal', '/vendor', 'vendorB', 200, '事業者ポータル'],
  ['23-contract-b-as-vendor', 'contract:B社', 'vendorB', 200],
  ['24-assessments', `${inst}/assessments`, 'officer', 200, 'サイバーセキュリティ対策チェックリスト'],
  ['25-assessment', 'assessment:令和6年度', 'officer', 200],
  ['26-vendor-certifications', '/vendor/certifications', 'vendorB', 200, '事業者の認証'],
  ['27-vendor-standard-answers', '/vendor/standard-answers?product=%E9%9B%BB%E5%AD%90%E3%82%AB%E3%83%AB%E3%83%86%20X', 'vendorB', 200, '標準回答'],
  ['28-vendor-sheet-b', 'vendor-sheet:B社', 'officer', 200],
  ['29-vendor-sheet-as-vendor', 'vendor-sheet:B社', 'vendorB', 200],
  ['30-catalog-imports', '/catalog-imports', 'admin', 200],
  ['31-home-vendor', '/home', 'vendorB', 200],
  ['32-vendor-members', 'vendor-members', 'vendorB', 200, 'メンバー管理 B社'],
  ['33-vendor-members-as-admin', 'vendor-members', 'admin', 200],
];

test(
  'every main screen at desktop 1280x900 and phone 390x844 (Japanese): status, heading, no console error, no sideways scroll',
  { timeout: 180_000 },
  async (t) => {
    if (ENABLED) mkdirSync(OUT_DIR, { recursive: true });
    const server = await startServer();
    const browser = await launchBrowser().catch(async (e) => {
      await server.stop();
      throw e;
    });
    const written = [];
    let checked = 0;
    const admin = { secret: null, step: -Infinity };
    const problems = [];
    const sideways = []; // pages wider than the viewport (the page itself scrolls horizontally)
    try {
      for (const vp of VIEWPORTS) {
        const sessions = new Map(); // user key → { context, page }
        const pageFor = async (who) => {
          const key = who ?? 'anonymous';
          if (!sessions.has(key)) {
            const s = await newPage(browser, vp.options);
            s.page.on('console', (m) => {
              if (m.type() === 'error') problems.push(`${vp.name} ${key} console: ${m.text()}`);
            });
            s.page.on('pageerror', (e) => problems.push(`${vp.name} ${key} pageerror: ${e.message}`));
            if (who) await signIn(s.page, server.baseUrl, USERS[who]);
            if (who === 'admin') {
              // A platform administrator must have a second factor: enrol it the first time,
              // then answer the second sign-in step.
              if (!admin.secret) {
                await s.page.goto(`${server.baseUrl}/profile/mfa`);
                admin.secret = (await s.page.textContent('[data-testid="totp-secret"]')).trim();
              }
              const { code, step } = await freshTotp(admin.secret, { afterStep: admin.step });
              admin.step = step;
              await s.page.fill('input[name="code"]', code);
              await Promise.all([s.page.waitForLoadState('load'), s.page.click('button.primary')]);
            }
            sessions.set(key, s);
          }
          return sessions.get(key).page;
        };
        try {
          for (const [name, target, who, status, h1] of SHOTS) {
            const page = await pageFor(who);
            // `contract:VENDOR`: that vendor's contract at the demo hospital (ids are generated).
            let urlPath = target;
            if (target.startsWith('assessment:')) {
              await page.goto(`${server.baseUrl}${inst}/assessments`);
              const label = target.slice('assessment:'.length);
              urlPath = await page.locator('tr', { hasText: label }).first().locator('a[href^="/assessments/"]').first().getAttribute('href');
            } else if (target.startsWith('vendor-sheet:')) {
              const vendor = target.slice('vendor-sheet:'.length);
              if (who === 'officer') {
                await page.goto(`${server.baseUrl}${inst}/assessments`);
                await page.goto(`${server.baseUrl}${await page.locator('table[data-testid="assessments"] a').first().getAttribute('href')}`);
                urlPath = await page.locator('table[data-testid="vendor-sheets"] tr', { hasText: vendor }).first().locator('a').first().getAttribute('href');
              } else {
                await page.goto(`${server.baseUrl}/vendor`);
                urlPath = await page.locator('table[data-testid="portal-sheets"] a').first().getAttribute('href');
              }
            } else if (target === 'vendor-members') {
              // B社's members page, from the link its administrator is shown (or /admin's).
              await page.goto(`${server.baseUrl}${who === 'admin' ? '/admin' : '/home'}`);
              urlPath = await page.locator('a[href^="/vendors/"][href$="/members"]').first().getAttribute('href');
            } else if (target.startsWith('contract:')) {
              const list = who === 'officer' ? `${inst}/contracts` : '/vendor';
              await page.goto(`${server.baseUrl}${list}`);
              const vendor = target.slice('contract:'.length);
              urlPath = await page.locator('tr', { hasText: vendor }).first().locator('a[href^="/contracts/"]').first().getAttribute('href');
            }
            const res = await page.goto(`${server.baseUrl}${urlPath}`);
            assert.equal(res.status(), status, `${vp.name} ${urlPath}: status (now at ${page.url()})`);
            assert.equal(new URL(page.url()).pathname, new URL(urlPath, server.baseUrl).pathname, `${vp.name} ${urlPath}: not redirected`);
            assert.equal(await page.getAttribute('html', 'lang'), 'ja');
            if (h1) assert.equal((await page.textContent('h1')).trim(), h1);
            await page.evaluate(() => document.fonts.ready);
            const { scrollWidth, clientWidth } = await page.evaluate(() => ({
              scrollWidth: document.documentElement.scrollWidth,
              clientWidth: document.documentElement.clientWidth,
            }));
            if (scrollWidth > clientWidth) sideways.push(`${vp.name} ${urlPath}: ${scrollWidth}px > ${clientWidth}px`);
            checked += 1;
            if (ENABLED) {
              const file = path.join(OUT_DIR, `${vp.name}-${name}.png`);
              await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
              written.push(file);
            }
          }
        } finally {
          for (const { context } of sessions.values()) await context.close();
        }
      }
    } finally {
      await browser.close().catch(() => {});
      await server.stop();
    }
    assert.equal(checked, SHOTS.length * VIEWPORTS.length);
    if (ENABLED) {
      t.diagnostic(`${written.length} screenshots in ${OUT_DIR}`);
      assert.equal(written.length, checked);
    }
    // Expected: only the 404 document itself is logged by Chromium as a failed resource.
    const unexpected = problems.filter((p) => !/status of 404/.test(p));
    assert.deepEqual(unexpected, [], 'no console errors (e.g. CSP violations) or page errors');
    assert.deepEqual(sideways, [], 'no page scrolls sideways');
  },
);
