// The seed's A/B scenario in the browser: the hospital adds B社's contract for a new system
// that connects to the EHR, B社's user proposes answers in the vendor portal, the hospital
// accepts some of them, and the matrix shows the gap that remains.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INSTITUTION, newPage, signIn, USERS, withServerAndBrowser } from './helpers.js';

describe('role-sharing checklist (browser)', { timeout: 180_000 }, () => {
  let server;
  let browser;
  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('institution adds B社 contract, B proposes in the portal, institution accepts some, the matrix shows the gap', { timeout: 150_000 }, async () => {
    const base = server.baseUrl;
    const inst = `/i/${INSTITUTION}`;
    const officer = await newPage(browser);
    const vendor = await newPage(browser);
    const submit = (page, selector) => Promise.all([page.waitForLoadState('load'), page.click(selector)]);
    try {
      // 1. The security officer registers the new system and B社's contract for it.
      const o = officer.page;
      await signIn(o, base, USERS.officer);
      await o.goto(`${base}${inst}/systems`);
      await o.fill('input[name="name"]', '検査システム');
      await o.selectOption('select[name="category"]', 'departmental');
      await o.check('input[name="holds_medical_info"]');
      await submit(o, 'form[action$="/systems"] button.primary');
      assert.ok((await o.textContent('main')).includes('検査システム'));
      const ids = await o.$$eval('select[name="a"] option', (opts) => Object.fromEntries(opts.map((x) => [x.textContent.trim(), x.value])));
      await o.selectOption('select[name="a"]', ids['検査システム']);
      await o.selectOption('select[name="b"]', ids['電子カルテ']);
      await submit(o, 'form[action$="/systems/links"] button');

      await Promise.all([o.waitForLoadState('load'), o.click(`nav.mainnav a[href="${inst}/contracts"]`)]);
      await o.selectOption('select[name="vendor_id"]', { label: 'B社' });
      await o.fill('input[name="title"]', '検査システム導入契約');
      await o.selectOption('select[name="kind"]', 'introduction');
      await o.fill('input[name="starts_on"]', '2026-04-01');
      await o.check(`input[name="system"][value="${ids['検査システム']}"]`);
      await Promise.all([o.waitForURL(/\/contracts\/[0-9a-f-]+/), o.click('form[action$="/contracts"] button.primary')]);
      const contractPath = new URL(o.url()).pathname;
      assert.ok((await o.textContent('h1')).includes('検査システム導入契約'));

      // 2. B社's user finds it in the portal and proposes an answer to each Part 2 item.
      const v = vendor.page;
      await signIn(v, base, USERS.vendorB);
      await v.goto(`${base}/vendor`);
      await Promise.all([v.waitForURL(new RegExp(`${contractPath}$`)), v.click(`a[href="${contractPath}"]`)]);
      const proposals = {
        'part2-a-1': ['vendor', 'B社は事業者向けガイドラインを確認済み。'],
        'part2-a-2': ['joint', '電子カルテ(B社)との連携部分は構築段階から協議する。'],
        'part2-a-11': ['vendor', '検査システムの脆弱性情報を月次で提供する。'],
        'part2-a-12': ['vendor', '年1回、対策の見直しを提案する。'],
      };
      for (const [item, [resp, content]] of Object.entries(proposals)) {
        const card = v.locator(`#item-${item}`);
        await card.locator('details.rs-edit summary').first().click();
        await card.locator('select[name="responsibility"]').selectOption(resp);
        await card.locator('textarea[name="agreed_content"]').fill(content);
        await card.locator('select[name="first_check"]').selectOption('yes');
        await card.locator('input[name="first_checked_on"]').fill('2026-04-10');
        await Promise.all([v.waitForLoadState('load'), card.locator('[data-testid="propose"]').click()]);
        assert.equal(await v.getAttribute(`#item-${item}`, 'data-state'), 'negotiating', `${item} proposed`);
      }

      // 3. The institution accepts three of the four; A12 stays under discussion.
      await o.goto(`${base}${contractPath}`);
      assert.ok((await o.textContent('[data-testid="progress"]')).includes('あなたの承認待ち 4'));
      for (const item of ['part2-a-1', 'part2-a-2', 'part2-a-11']) {
        await Promise.all([o.waitForLoadState('load'), o.locator(`#item-${item} [data-testid="accept"]`).click()]);
        assert.equal(await o.getAttribute(`#item-${item}`, 'data-state'), 'agreed', `${item} agreed`);
      }

      // 4. The matrix: on 検査システム, the item about the communication path (nobody has
      // answered it) is the remaining gap; the link leads to the item. A12 is about the
      // institution as a whole: judged once across every contract, nobody has agreed it.
      await o.goto(`${base}${inst}/matrix?flag=gap`);
      const group = o.locator('[data-testid="matrix-group"][data-system="検査システム"]');
      assert.equal(await group.count(), 1, 'the new system has a gap');
      const rows = group.locator('[data-testid="matrix-row"]');
      assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.item)), ['part2-a-comm-route']);
      const whole = o.locator('[data-testid="matrix-group"][data-system="*"]');
      assert.ok((await whole.locator('[data-testid="matrix-row"]').evaluateAll((rs) => rs.map((r) => r.dataset.item))).includes('part2-a-12'));
      assert.equal(await whole.locator('[data-testid="matrix-row"][data-item="part2-a-12"] [data-flag="gap"]').count(), 1);
      const flag = rows.first().locator('[data-testid="flag"][data-flag="gap"]');
      await Promise.all([o.waitForURL(/#item-part2-a-comm-route$/), flag.click()]);
      assert.equal(new URL(o.url()).pathname, contractPath);
      assert.ok(await o.locator('#item-part2-a-comm-route').isVisible(), 'the item to fix');

      // 5. At phone width the matrix is one card per item and system, each answer labelled
      // with its vendor, and the page does not scroll sideways.
      const phone = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      try {
        await signIn(phone.page, base, USERS.officer);
        await phone.page.goto(`${base}${inst}/matrix`);
        const layout = await phone.page.evaluate(() => {
          const row = document.querySelector('[data-testid="matrix-row"]');
          const cell = row.querySelector('td.cell');
          return {
            head: getComputedStyle(document.querySelector('.matrix thead')).display,
            row: getComputedStyle(row).display,
            label: getComputedStyle(cell, '::before').content,
            rowWidth: row.getBoundingClientRect().width,
            sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
          };
        });
        assert.equal(layout.head, 'none', 'no column headings on a phone');
        assert.equal(layout.row, 'block', 'a card per row');
        assert.ok(/社/.test(layout.label), `each answer names its vendor: ${layout.label}`);
        assert.ok(layout.rowWidth <= 390, `the card fits the screen (${layout.rowWidth}px)`);
        assert.equal(layout.sideways, false, 'no sideways scroll');
      } finally {
        await phone.context.close();
      }
    } finally {
      await officer.context.close();
      await vendor.context.close();
    }
  });
});
