// The cybersecurity checklist in the browser: the security officer fills the institution
// sheet, requests the vendor sheets, A社 answers and submits its sheet in the portal, the
// officer sends it back once and A社 resubmits, the executive approves, and the inspector opens the read-only link.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INSTITUTION, newPage, saveSlot, signIn, USERS, withServerAndBrowser } from './helpers.js';

describe('cyber checklist (browser)', { timeout: 240_000 }, () => {
  let server;
  let browser;
  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('fill the sheet, request vendor sheets, answer as the vendor, approve, open the inspector link', { timeout: 200_000 }, async () => {
    const base = server.baseUrl;
    const officer = await newPage(browser);
    const vendor = await newPage(browser);
    const exec = await newPage(browser);
    const inspector = await newPage(browser);
    for (const p of [officer.page, vendor.page, exec.page]) p.on('dialog', (d) => d.accept());
    const go = (page, selector) => Promise.all([page.waitForNavigation(), page.click(selector)]);
    try {
      const o = officer.page;
      await signIn(o, base, USERS.officer);
      await o.goto(`${base}/i/${INSTITUTION}/assessments`);
      await go(o, 'table[data-testid="assessments"] a');
      const sheetUrl = o.url();

      // Every slot still without a first check: はい, today. Item 1-(1) through the suggestion.
      const suggestion = o.locator('#item-1-1 [data-testid="accept-suggestion"]');
      if (await suggestion.count()) await go(o, '#item-1-1 [data-testid="accept-suggestion"]');
      for (;;) {
        const open = o.locator('.cy-slot form').filter({ has: o.locator('select[name="check1"] option[value=""]:checked') });
        if ((await open.count()) === 0) break;
        // Pin the form by its item and slot: the filtered locator moves on once it is filled.
        const item = await open.first().locator('input[name="item_id"]').inputValue();
        const slot = await open.first().locator('input[name="slot"]').inputValue();
        const form = o.locator(`[id="slot-${item}-${slot}"] form`);
        await form.locator('select[name="check1"]').selectOption('yes');
        await form.locator('input[name="check1_on"]').fill('2024-08-01');
        assert.equal(await saveSlot(o, item, slot), 200, `${item} ${slot} saved`);
      }
      await o.reload();
      const progress = (await o.textContent('[data-testid="cy-progress"]')).trim();
      const [done, needed] = progress.split('/').map((x) => Number(x.trim()));
      assert.equal(done, needed, `all first checks filled (${progress})`);

      // Vendor sheets: the demo asked A社, B社 and C社 already, so the request is proven on a
      // contract made now (D社's, which had none): its sheet appears only after the click.
      await o.goto(`${base}/i/${INSTITUTION}/contracts`);
      await o.selectOption('select[name="vendor_id"]', { label: 'D社' });
      await o.fill('input[name="title"]', 'ネットワーク保守契約');
      await o.selectOption('select[name="kind"]', 'maintenance');
      await o.fill('input[name="starts_on"]', '2024-04-01');
      await Promise.all([o.waitForURL(/\/contracts\/[0-9a-f-]+/), o.click('form[action$="/contracts"] button.primary')]);
      await o.goto(sheetUrl);
      const before = await o.textContent('table[data-testid="vendor-sheets"]');
      assert.ok(before.includes('A社') && !before.includes('D社'), `before the request: ${before}`);
      await go(o, '[data-testid="vs-request"]');
      assert.ok((await o.textContent('main')).includes('事業者確認用を依頼しました'));
      const after = await o.textContent('table[data-testid="vendor-sheets"]');
      assert.ok(after.includes('A社') && after.includes('D社'), `after the request: ${after}`);

      // A社 answers its outstanding sheet in the portal and submits it.
      const v = vendor.page;
      await signIn(v, base, USERS.vendorA);
      await v.goto(`${base}/vendor`);
      await go(v, 'table[data-testid="portal-sheets"] a');
      for (;;) {
        const open = v.locator('.cy-slot form').filter({ has: v.locator('select[name="check1"] option[value=""]:checked') });
        if ((await open.count()) === 0) break;
        // Pin the form by its item and slot: the filtered locator moves on once it is filled.
        const item = await open.first().locator('input[name="item_id"]').inputValue();
        const slot = await open.first().locator('input[name="slot"]').inputValue();
        const form = v.locator(`[id="slot-${item}-${slot}"] form`);
        await form.locator('select[name="check1"]').selectOption('yes');
        await form.locator('input[name="check1_on"]').fill('2024-08-05');
        assert.equal(await saveSlot(v, item, slot), 200, `${item} ${slot} saved`);
      }
      // Every slot saved in place: the sheet, loaded again, offers the submission.
      await v.reload();
      await go(v, '[data-testid="vs-submit"]');
      assert.equal((await v.textContent('[data-testid="vs-status"]')).trim(), '提出済');
      const vendorSheetUrl = v.url();

      // The officer finds a mistake and sends A社's sheet back (差し戻し) with a reason; A社
      // sees the reason in its portal and submits again.
      await o.goto(sheetUrl);
      await go(o, 'table[data-testid="vendor-sheets"] tr:has-text("A社") a');
      await o.fill('textarea[name="reason"]', '1-(1) の確認日を契約開始後の日付にしてください');
      await go(o, '[data-testid="vs-return"]');
      assert.equal((await o.textContent('[data-testid="vs-status"]')).trim(), '差し戻し中');
      await o.goto(sheetUrl);
      assert.ok((await o.textContent('table[data-testid="vendor-sheets"]')).includes('差し戻し中'));
      await v.goto(`${base}/vendor`);
      assert.ok((await v.textContent('table[data-testid="portal-sheets"]')).includes('差し戻し中'));
      await v.goto(vendorSheetUrl);
      assert.ok((await v.textContent('[data-testid="vs-returned"]')).includes('契約開始後'));
      await go(v, '[data-testid="vs-submit"]');
      assert.equal((await v.textContent('[data-testid="vs-status"]')).trim(), '提出済');
      assert.equal(await v.locator('[data-testid="vs-returned"]').count(), 0, 'the reason is gone once resubmitted');

      // The executive approves the complete sheet; it is then locked.
      const e = exec.page;
      await signIn(e, base, USERS.executive);
      await e.goto(sheetUrl);
      await go(e, '[data-testid="approve"]');
      assert.equal((await e.textContent('[data-testid="cy-status"]')).trim(), '承認済');
      await o.goto(sheetUrl);
      assert.equal(await o.locator('.cy-slot form').count(), 0, 'no answer form on an approved sheet');

      // The inspector link shows the sheets, read-only.
      await o.fill('#inspector input[name="label"]', '東京都 立入検査');
      await go(o, '#inspector button[type="submit"]');
      const link = (await o.textContent('[data-testid="inspector-link"]')).trim();
      const i = inspector.page;
      const res = await i.goto(link.startsWith('http') ? link : `${base}${link}`);
      assert.equal(res.status(), 200);
      assert.ok((await i.locator('[data-testid="inspect-sheet"]').count()) >= 3, 'institution sheet and the submitted vendor sheets');
      assert.equal(await i.locator('nav.mainnav').count(), 0, 'the inspector has no way into the rest');

      // The prefecture's inspector, signed in to its account, keeps the link: its home then
      // lists the sheet, which opens without the secret.
      await signIn(i, base, 'kensa@pref.tokyo.example.jp');
      await i.goto(link.startsWith('http') ? link : `${base}${link}`);
      await go(i, '[data-testid="inspect-keep"] button');
      assert.match(new URL(i.url()).pathname, /^\/inspections\//, `kept: ${i.url()}`);
      assert.equal(
        (await i.textContent('main .flash[role="status"]')).trim(),
        'このチェックリストをアカウントに登録しました。リンクの期限まで、ホームから開けます。',
      );
    } finally {
      for (const s of [officer, vendor, exec, inspector]) await s.context.close();
    }
  });
});
