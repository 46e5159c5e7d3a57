// Two journeys of issue 12, in Japanese, at 1280 and 390 px, each checked by axe-core
// (WCAG 2.1 A/AA) on every page it passes and ending with screenshots (SCREENSHOTS=1):
//
// (a) the inspector's account (立入検査担当) signs in, lands on its home with the checklist
//     the hospital shares with it, opens it (the summary first), downloads the bundle and
//     signs out;
// (c) A社's person keeps standard answers for its 事業者確認用 sheet for one product, then
//     applies them to the sheets of its three client institutions at once: a preview first
//     (nothing written), then the application; each sheet is then complete and can be
//     submitted.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accessible, newPage, shot, signIn, withServerAndBrowser } from './helpers.js';

const WIDTHS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};
const INSPECTOR = 'kensa@pref.tokyo.example.jp';
const VENDOR_A = 'tanto@a-sha.example.jp';
// A社's three clients in the demo (crates/app/src/demo.rs).
const CLIENTS = ['さくら総合病院', 'みどり内科クリニック', 'さくら通り薬局'];

async function noSidewaysScroll(page, where) {
  const w = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(w[0] <= w[1], `${where} does not scroll sideways (${w[0]} > ${w[1]})`);
}

describe('journeys of the inspector and the vendor (browser)', { timeout: 400_000 }, () => {
  let server;
  let browser;
  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  for (const [width, options] of Object.entries(WIDTHS)) {
    test(`(a) the inspector's account at ${width} width: home, shared checklist, bundle, sign out`, { timeout: 120_000 }, async (t) => {
      const base = server.baseUrl;
      const s = await newPage(browser, options);
      const p = s.page;
      try {
        await signIn(p, base, INSPECTOR);
        // Its home, not a 403: the checklists shared with its role.
        const shared = p.locator('[data-testid="shared-checklists"]');
        assert.ok(await shared.isVisible(), `the inspector lands on its home (${p.url()})`);
        assert.ok((await shared.textContent()).includes('令和6年度'), await shared.textContent());
        assert.equal(await p.locator('form[action="/logout"]').count(), 1, 'a way to sign out');
        await accessible(p, 'the inspector home');
        await noSidewaysScroll(p, 'the inspector home');
        await shot(p, t, `${width}-50-inspector-home`);

        await Promise.all([p.waitForNavigation(), shared.locator('[data-testid="open-shared"]').first().click()]);
        assert.match(new URL(p.url()).pathname, /^\/inspections\//);
        const summary = p.locator('[data-testid="inspect-summary"]');
        assert.ok(await summary.isVisible(), 'the summary comes before the sheet');
        assert.match((await p.textContent('[data-testid="inspect-progress"]')).trim(), /^\d+ \/ \d+$/);
        assert.ok((await p.locator('[data-testid="inspect-sheet"]').count()) >= 1, 'the sheet follows');
        await accessible(p, 'the shared checklist');
        await noSidewaysScroll(p, 'the shared checklist');
        await shot(p, t, `${width}-51-inspector-shared-checklist`);

        // The bundle: a zip with the sheet and its evidence.
        const href = await p.getAttribute('[data-testid="inspect-bundle"]', 'href');
        const zip = await p.request.get(new URL(href, p.url()).toString());
        assert.equal(zip.status(), 200);
        assert.match(zip.headers()['content-type'], /zip/);
        const body = await zip.body();
        assert.equal(body.subarray(0, 2).toString('latin1'), 'PK', 'a zip archive');
        assert.ok(body.length > 1000, `the bundle carries the sheet (${body.length} bytes)`);

        // Sign out: back to the sign-in page; the shared page is no longer open.
        await Promise.all([p.waitForNavigation(), p.click('form[action="/logout"] button')]);
        assert.match(new URL(p.url()).pathname, /^\/(login)?$/);
        const after = await p.goto(`${base}/home`);
        assert.match(new URL(p.url()).pathname, /^\/login/, `signed out (${after?.status()} ${p.url()})`);
        await shot(p, t, `${width}-52-inspector-signed-out`);
      } finally {
        await s.context.close();
      }
    });
  }

  test('(c) A社 keeps standard answers for its vendor sheet and applies them to three institutions', { timeout: 240_000 }, async (t) => {
    const base = server.baseUrl;
    const s = await newPage(browser, WIDTHS.desktop);
    const phone = await newPage(browser, WIDTHS.phone);
    const v = s.page;
    const go = (page, selector) => Promise.all([page.waitForNavigation(), page.click(selector)]);
    try {
      await signIn(v, base, VENDOR_A);
      await signIn(phone.page, base, VENDOR_A);
      // The portal shows the three institutions waiting for its sheet.
      await v.goto(`${base}/vendor`);
      const waiting = await v.locator('table[data-testid="portal-sheets"] tbody tr').allTextContents();
      for (const c of CLIENTS) assert.ok(waiting.some((row) => row.includes(c) && row.includes('回答待ち')), `${c} waits: ${waiting}`);

      // A product's standard answers, one slot at a time.
      await go(v, 'a.button[href="/vendor/standard-answers"]');
      await v.fill('input[name="product"]', 'レセコン A');
      await go(v, 'form[action="/vendor/standard-answers"][method="get"] button');
      const rows = v.locator('[data-testid="ss-row"]');
      const n = await rows.count();
      assert.ok(n >= 10, `the vendor sheet's slots are listed (${n})`);
      const slots = await rows.evaluateAll((xs) => xs.map((x) => [x.dataset.item, x.dataset.slot]));
      for (const [item, slot] of slots) {
        const row = v.locator(`[data-testid="ss-row"][data-item="${item}"][data-slot="${slot}"]`);
        await row.locator('select[name="check1"]').selectOption('yes');
        if (item === '1-1') await row.locator('input[name="note"]').fill('体制図は保守契約書の別紙のとおり');
        await go(v, `[data-testid="ss-row"][data-item="${item}"][data-slot="${slot}"] [data-testid="ss-save"]`);
        assert.equal((await v.textContent('main .flash[role="status"]')).trim(), '標準回答を保存しました。');
      }
      assert.equal(await v.locator('[data-testid="ss-row"] .badge.ok').count(), n, 'every slot has its answer');
      assert.ok((await v.textContent('[data-testid="std-products"]')).includes('レセコン A'), 'the product is listed');
      await accessible(v, 'the standard answers page');

      // Choose the three institutions' sheets and preview: nothing is written yet.
      const sheetBoxes = v.locator('[data-testid="ss-sheet"]');
      assert.equal(await sheetBoxes.count(), 3, 'three sheets wait for A社');
      for (let i = 0; i < 3; i += 1) await sheetBoxes.nth(i).check();
      await v.locator('#ss-apply').scrollIntoViewIfNeeded();
      await shot(v, t, 'desktop-53-vendor-standard-answers');
      await go(v, '[data-testid="ss-preview"]');
      const plans = v.locator('[data-testid="ss-plan"]');
      assert.equal(await plans.count(), 3);
      const names = await plans.locator('h2').allTextContents();
      for (const c of CLIENTS) assert.ok(names.some((x) => x.includes(c)), `${c} in the preview: ${names}`);
      const total = Number(/合わせて (\d+) 件/.exec(await v.textContent('main'))[1]);
      assert.equal(total, 3 * n, `every slot of each sheet will be filled (${total})`);
      await accessible(v, 'the preview');
      await shot(v, t, 'desktop-54-vendor-standard-preview');
      // The phone sees the same preview without sideways scrolling.
      const previewUrl = v.url();
      assert.ok(previewUrl.endsWith('/vendor/sheet-standards/preview'));
      await phone.page.goto(`${base}/vendor/standard-answers?product=${encodeURIComponent('レセコン A')}`);
      await noSidewaysScroll(phone.page, 'the standard answers page on a phone');
      await accessible(phone.page, 'the standard answers page on a phone');
      await shot(phone.page, t, 'phone-53-vendor-standard-answers');

      // Apply (after the confirmation): back on the page with the count.
      let asked = null;
      v.once('dialog', (d) => { asked = d.message(); d.accept(); });
      await go(v, '[data-testid="ss-apply"]');
      assert.equal(asked, `${total} 件を記入します。よろしいですか?`);
      assert.equal((await v.textContent('[data-testid="ss-result"]')).trim(), `3 枚のシートに ${total} 件を記入しました。`);
      await shot(v, t, 'desktop-55-vendor-standard-applied');

      // Each sheet is complete and offers its submission.
      await v.goto(`${base}/vendor`);
      const links = await v.locator('table[data-testid="portal-sheets"] tbody tr a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.equal(links.length, 3);
      for (const href of links) {
        await v.goto(`${base}${href}`);
        const [done, needed] = (await v.textContent('[data-testid="cy-progress"]')).split('/').map((x) => Number(x.trim()));
        assert.equal(done, needed, `${href} complete`);
        assert.equal(await v.locator('[data-testid="vs-submit"]').count(), 1, `${href} can be submitted`);
      }
      const note = await v.inputValue('[id="f-1-1-all-note"]');
      assert.equal(note, '体制図は保守契約書の別紙のとおり', 'the note came along');
      await accessible(v, 'a filled vendor sheet');
      await phone.page.goto(`${base}${links[0]}`);
      await noSidewaysScroll(phone.page, 'a vendor sheet on a phone');
      await shot(phone.page, t, 'phone-55-vendor-sheet-filled');
    } finally {
      await s.context.close();
      await phone.context.close();
    }
  });
});
