// The foundation's browser flow, end to end, in headless Chromium against a
// freshly started `mamori serve --demo`:
// sign in → enrol TOTP → sign out → sign in with password + TOTP → dashboard →
// English and back → the audit log shows the sign-in, the enrolment and the
// second-factor verification. Plus: wrong password and a CSRF-less POST.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEMO_PASSWORD, freshTotp, INSTITUTION, newPage, signIn, USERS, withServerAndBrowser } from './helpers.js';

describe('foundation (browser)', { timeout: 240_000 }, () => {
  let server;
  let browser;
  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('sign in, enrol TOTP, sign in again with TOTP, switch language, audit log', { timeout: 150_000 }, async () => {
    const base = server.baseUrl;
    const dashboard = `${base}/i/${INSTITUTION}`;
    const { context, page } = await newPage(browser);
    try {
      // 1. Sign in with the password: a single institution → its dashboard.
      await signIn(page, base, USERS.officer);
      assert.equal(page.url(), dashboard);
      assert.equal(await page.getAttribute('html', 'lang'), 'ja');
      assert.equal((await page.textContent('h1')).trim(), 'ダッシュボード');

      // 2. Enrol TOTP at /profile/mfa.
      await page.goto(`${base}/profile/mfa`);
      const secret = (await page.textContent('[data-testid="totp-secret"]')).trim();
      assert.match(secret, /^[A-Z2-7]{16,}$/, 'the TOTP secret is unpadded RFC 4648 base32');
      const enrol = await freshTotp(secret);
      await page.fill('input[name=code]', enrol.code);
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: '設定を完了する', exact: true }).click(),
      ]);
      const codes = page.locator('[data-testid="recovery-codes"] li');
      await codes.first().waitFor();
      const recovery = (await codes.allTextContents()).map((s) => s.trim());
      assert.equal(recovery.length, 10, `10 recovery codes, got ${JSON.stringify(recovery)}`);
      assert.equal(new Set(recovery).size, 10, 'recovery codes are distinct');
      for (const c of recovery) assert.match(c, /^[A-Za-z0-9]{5}-[A-Za-z0-9]{5}$/, 'recovery code format xxxxx-xxxxx');

      // 3. Sign out from the top bar.
      await Promise.all([
        page.waitForNavigation(),
        page.locator('header form[action="/logout"] button', { hasText: 'ログアウト' }).click(),
      ]);
      const afterLogout = await page.goto(dashboard);
      assert.match(new URL(page.url()).pathname, /^\/login/, `signed out: ${page.url()} (${afterLogout.status()})`);

      // 4. Sign in again: password first, then the second factor.
      await signIn(page, base, USERS.officer);
      assert.equal(new URL(page.url()).pathname, '/login/mfa');
      assert.equal((await page.textContent('h1')).trim(), '2段階目の認証');
      // Before the second factor, the dashboard is not reachable.
      const pending = await context.request.get(dashboard, { maxRedirects: 0 });
      assert.notEqual(pending.status(), 200, 'dashboard is closed while MFA is pending');
      // The code used for the enrolment cannot be replayed (still inside the ±1-step window).
      await page.fill('input[name=code]', enrol.code);
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: '確認する', exact: true }).click(),
      ]);
      assert.equal(new URL(page.url()).pathname, '/login/mfa');
      assert.equal(
        (await page.textContent('[role="alert"]')).trim(),
        'この認証コードは既に使われました。次のコードが表示されるまでお待ちください。',
      );
      // A code is accepted once per 30-s step: use a step after the enrolment's.
      const verify = await freshTotp(secret, { afterStep: enrol.step });
      await page.fill('input[name=code]', verify.code);
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: '確認する', exact: true }).click(),
      ]);
      assert.equal(page.url(), dashboard);
      assert.equal((await page.textContent('h1')).trim(), 'ダッシュボード');

      // 5. English, then back to Japanese.
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'English', exact: true }).click()]);
      assert.equal(page.url(), dashboard, 'the language switch returns to the same page');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.equal((await page.textContent('h1')).trim(), 'Dashboard');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '日本語', exact: true }).click()]);
      assert.equal(page.url(), dashboard);
      assert.equal(await page.getAttribute('html', 'lang'), 'ja');
      assert.equal((await page.textContent('h1')).trim(), 'ダッシュボード');

      // 6. The audit log lists the events of this flow, with Japanese labels.
      await page.goto(`${base}/i/${INSTITUTION}/audit`);
      assert.equal((await page.textContent('h1')).trim(), '監査ログ');
      const rows = await page.$$eval('[data-testid="audit-table"] tbody tr', (trs) =>
        trs.map((tr) => {
          const cells = [...tr.querySelectorAll('td')];
          return {
            actor: cells[1]?.textContent.trim(),
            label: tr.querySelector('[data-testid="audit-sentence"]')?.textContent.trim(),
            code: tr.querySelector('td:nth-child(3) details code')?.textContent.trim(),
          };
        }),
      );
      // Each event reads as a sentence naming the person (not the e-mail).
      const OFFICER_NAME = '安藤 恵(医療情報システム安全管理責任者)';
      const mine = rows.filter((r) => r.actor === OFFICER_NAME);
      const find = (code) => mine.filter((r) => r.code === code);
      const signIns = find('auth.sign_in');
      const enrolments = find('user.mfa_enable');
      const verifications = find('auth.mfa_verified');
      const ctx = JSON.stringify(mine, null, 1);
      assert.equal(signIns.length, 2, `two sign-ins by the officer:\n${ctx}`);
      assert.ok(signIns.every((r) => r.label === `${OFFICER_NAME} さんがログインしました。`), ctx);
      assert.equal(enrolments.length, 1, `one MFA enrolment:\n${ctx}`);
      assert.ok(enrolments[0].label.includes('多要素認証を設定しました'), ctx);
      // Two verifications: enrolling proves the second factor for that session too,
      // then the /login/mfa step of the second sign-in.
      assert.equal(verifications.length, 2, `two MFA verifications:\n${ctx}`);
      assert.ok(verifications.every((r) => r.label.includes('2段階目の認証に成功しました')), ctx);
      const signOuts = find('auth.sign_out');
      assert.equal(signOuts.length, 1, `one sign-out:\n${ctx}`);
      assert.equal(signOuts[0].label, `${OFFICER_NAME} さんがログアウトしました。`);
      // The replayed enrolment code was refused and audited as a failure.
      const failures = find('auth.mfa_failed');
      assert.equal(failures.length, 1, `one refused (replayed) code:\n${ctx}`);
      assert.ok(failures[0].label.includes('2段階目の認証に失敗しました'), ctx);
      // Newest first.
      assert.deepEqual(
        mine.map((r) => r.code),
        ['auth.mfa_verified', 'auth.mfa_failed', 'auth.sign_in', 'auth.sign_out', 'auth.mfa_verified', 'user.mfa_enable', 'auth.sign_in'],
        ctx,
      );
    } finally {
      await context.close();
    }
  });

  test('a wrong password shows the Japanese error; a CSRF-less POST is refused', { timeout: 60_000 }, async () => {
    const base = server.baseUrl;
    const { context, page } = await newPage(browser);
    try {
      await signIn(page, base, USERS.executive, `${DEMO_PASSWORD}-wrong`);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(
        (await page.textContent('[role="alert"]')).trim(),
        'メールアドレスまたはパスワードが正しくありません。',
      );
      assert.equal(await page.inputValue('input[name=email]'), USERS.executive, 'the e-mail is kept');
      assert.equal(await page.inputValue('input[name=password]'), '', 'the password is not echoed back');
      const still = await context.request.get(`${base}/i/${INSTITUTION}`, { maxRedirects: 0 });
      assert.notEqual(still.status(), 200, 'not signed in');

      // The real form with its _csrf field removed, submitted by the browser.
      await page.goto(`${base}/login`);
      await page.fill('input[name=email]', USERS.executive);
      await page.fill('input[name=password]', DEMO_PASSWORD);
      await page.evaluate(() => document.querySelector('form[action="/login"] input[name=_csrf]').remove());
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${base}/login` && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'ログイン', exact: true }).click(),
      ]);
      assert.equal(res.status(), 403, 'a form POST without _csrf is refused');
      const cookies = await context.cookies(base);
      assert.ok(!cookies.some((c) => c.name === 'mamori_session'), 'no session was created');

      // A scripted POST with the browser's cookies but no token at all.
      const bare = await context.request.post(`${base}/login`, {
        form: { email: USERS.executive, password: DEMO_PASSWORD, next: '/' },
        maxRedirects: 0,
      });
      assert.equal(bare.status(), 403);
      // …and one with a forged token.
      const forged = await context.request.post(`${base}/login`, {
        form: { _csrf: 'forged-token', email: USERS.executive, password: DEMO_PASSWORD, next: '/' },
        maxRedirects: 0,
      });
      assert.equal(forged.status(), 403);

      // The same form with its token intact still works (the refusals were about CSRF only).
      await signIn(page, base, USERS.executive);
      assert.equal(page.url(), `${base}/i/${INSTITUTION}`);
    } finally {
      await context.close();
    }
  });
});
