// Vendor membership in the browser: the hospital's officer invites a new contact for B社;
// the contact sets a password and sees that B社 must confirm first (no contract visible);
// B社's administrator confirms on its Members page; the contact then sees B社's contracts.
// Screenshots of each step with SCREENSHOTS=1.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { E2E_DIR, INSTITUTION, newPage, signIn, USERS, withServerAndBrowser } from './helpers.js';

const SHOTS = process.env.SCREENSHOTS === '1';
const OUT = path.join(E2E_DIR, 'screenshots');

describe('vendor membership (browser)', { timeout: 180_000 }, () => {
  let server;
  let browser;
  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('an invitation creates a pending member; only B社 confirms it', { timeout: 150_000 }, async () => {
    if (SHOTS) mkdirSync(OUT, { recursive: true });
    const base = server.baseUrl;
    const problems = [];
    const pages = [];
    const open = async (options) => {
      const p = await newPage(browser, options);
      p.page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
      });
      p.page.on('pageerror', (e) => problems.push(e.message));
      pages.push(p);
      return p.page;
    };
    const shot = async (page, name) => {
      if (SHOTS) await page.screenshot({ path: path.join(OUT, `membership-${name}.png`), fullPage: true });
    };
    const submit = (page, selector) => Promise.all([page.waitForLoadState('load'), page.click(selector)]);
    try {
      // 1. The officer invites 山田 of B社 from the contracts page.
      const o = await open();
      await signIn(o, base, USERS.officer);
      await o.goto(`${base}/i/${INSTITUTION}/contracts#invite`);
      await o.selectOption('form[action$="/invites"] select[name="vendor_id"]', { label: 'B社' });
      await o.fill('form[action$="/invites"] input[name="email"]', 'yamada@b-sha.example.jp');
      await o.fill('form[action$="/invites"] input[name="display_name"]', 'B社 山田');
      await submit(o, 'form[action$="/invites"] button');
      const link = (await o.textContent('[data-testid="invite-link"]')).trim();
      assert.match(link, /^\/invite\//);
      assert.ok((await o.textContent('main')).includes('承認するまでは契約を見られません'));
      await shot(o, '1-invite-created');

      // 2. 山田 sets a password; signed in, the home page says B社 must confirm; no portal.
      const y = await open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      await y.goto(`${base}${link}`);
      await shot(y, '2-invite-accept-phone');
      await y.fill('input[name="password"]', 'yamada-b-sha-2026!');
      await submit(y, 'main form button[type="submit"]');
      assert.ok((await y.textContent('main')).includes('事業者の管理者が承認すると'));
      await signIn(y, base, 'yamada@b-sha.example.jp', 'yamada-b-sha-2026!');
      await y.goto(`${base}/home`);
      assert.ok((await y.textContent('[data-testid="pending-memberships"]')).includes('B社'));
      await shot(y, '3-home-pending-phone');
      assert.equal(await y.locator('a[href="/vendor"]').count(), 0, 'no portal link while pending');
      const refused = await y.goto(`${base}/vendor`);
      assert.equal(refused.status(), 403);
      assert.equal(problems.pop(), '403 /vendor', 'the refusal expected here');

      // 3. B社's administrator sees the request with the inviting hospital and confirms it.
      const b = await open();
      await signIn(b, base, USERS.vendorB);
      await b.goto(`${base}/home`);
      await submit(b, 'a[href^="/vendors/"][href$="/members"]');
      const row = b.locator('#pending tr', { hasText: 'yamada@b-sha.example.jp' });
      assert.ok((await row.textContent()).includes('さくら総合病院'));
      await shot(b, '4-members-pending');
      await submit(b, '#pending form[action$="/confirm"] button');
      assert.ok((await b.textContent('main')).includes('申請を承認しました'));
      // The password set from the link (which the hospital also saw) is replaced: B社 hands
      // the new one to 山田 in person.
      const fresh = (await b.textContent('[data-testid="initial-password"]')).trim();
      await shot(b, '5-members-confirmed');

      // 4. 山田's old session is over; with the new password he sees B社's contracts.
      await y.goto(`${base}/vendor`);
      assert.match(new URL(y.url()).pathname, /^\/login/);
      await signIn(y, base, 'yamada@b-sha.example.jp', fresh);
      await y.goto(`${base}/vendor`);
      assert.ok((await y.textContent('main')).includes('さくら総合病院'));
      await shot(y, '6-portal-phone');
      assert.deepEqual(problems, []);
    } finally {
      for (const p of pages) await p.context.close().catch(() => {});
    }
  });
});
