// The approval flow of the yearly cybersecurity checklist (issues 11 and 12): the security
// officer starts a new fiscal year on a partial catalog version (sees the warning and
// confirms), answers part of the sheet — a いいえ without a target date is refused with a
// Japanese message and not saved — the executive is not offered approval of the incomplete
// sheet and sees why (the list of unmet items, each linking to its item), the officer follows
// the links, fixes every item and asks for approval (承認依頼); the executive finds it on the
// home page, approves, and the approval block (who, as what, when in 和暦) is on the sheet and
// in the PDF (pdftotext); the officer is told.
//
// With SCREENSHOTS=1 it also writes the refused-approval page at 1280 px and 390 px wide to
// e2e/screenshots/ (gitignored).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { allowErrors, axeViolations, E2E_DIR, INSTITUTION, newPage, saveSlot as saveSlotInPlace, signIn, USERS, withServerAndBrowser } from './helpers.js';

const SCREENSHOTS = process.env.SCREENSHOTS === '1';
const OUT_DIR = path.join(E2E_DIR, 'screenshots');

const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// The labels of crates/i18n/locales/ja/checklist.ftl and catalogs.ftl.
const JA = {
  startPartialQuestion: '一部のみ収録の版では、収録されていない項目は回答も出力もされません。選んだ版で始めますか?',
  approveQuestion: 'このチェックリストを承認しますか?',
  draft: '記入中',
  approved: '承認済',
  saved: '回答を保存しました。',
  savedHere: '保存しました。',
  approvedFlash: 'チェックリストを承認しました。',
  targetRequired: '1回目が「いいえ」の項目には、年度内の目標日を入力してください。',
  incomplete: '承認できません。1回目が未記入の項目、または記入の規則に合わない項目があります',
  unanswered: '1回目が未記入です。',
  requested: '承認依頼中',
  requestedFlash: '経営層に承認を依頼しました。',
  awaiting: 'のチェックリストが承認を待っています。',
  executiveName: '桜井 一郎(理事長)',
};
// Slot labels (cy-slot-*) as the unmet list names them after the item number.
const SLOT_OF_LABEL = { サーバ: 'server', 端末PC: 'terminal', ネットワーク機器: 'network' };

/** Today in Japan (YYYY-MM-DD) and its fiscal year (April to March). */
function todayJst() {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [y, m] = today.split('-').map(Number);
  const fy = m >= 4 ? y : y - 1;
  return { today, fy, fyEnd: `${fy + 1}-03-31` };
}

describe('checklist approval flow (browser)', { timeout: 240_000 }, () => {
  let server;
  let browser;
  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('start a year on a partial version, approval refused with the unmet items, fix them, approve', { timeout: 200_000 }, async (t) => {
    const base = server.baseUrl;
    const { today, fy, fyEnd } = todayJst();
    const officer = await newPage(browser, DESKTOP);
    const exec = await newPage(browser, DESKTOP);
    const sessions = [officer, exec];
    const go = (page, selector) => Promise.all([page.waitForNavigation(), page.click(selector)]);
    /** Click `selector`, expecting a confirm dialog: returns its message once accepted. */
    const confirmAndGo = async (page, selector) => {
      let question = null;
      page.once('dialog', (d) => {
        question = { type: d.type(), message: d.message() };
        d.accept();
      });
      await go(page, selector);
      assert.ok(question, `a confirmation was asked before ${selector}`);
      assert.equal(question.type, 'confirm');
      return question.message;
    };
    const slotForm = (page, item, slot) => page.locator(`[data-item="${item}"] .cy-slot[data-slot="${slot}"] form`);
    const saveSlot = saveSlotInPlace;
    const progress = async (page) => {
      const text = (await page.textContent('[data-testid="cy-progress"]')).trim();
      const [done, needed] = text.split('/').map((x) => Number(x.trim()));
      return { done, needed, text };
    };
    /** The unmet list as shown: [{ href, item, slot, place, why }]. */
    const unmetList = async (page) => {
      const rows = await page.locator('[data-testid="cy-unmet"] li').evaluateAll((lis) =>
        lis.map((li) => {
          const a = li.querySelector('a');
          return { href: a?.getAttribute('href') ?? '', place: a?.textContent.trim() ?? '', text: li.textContent.trim() };
        }),
      );
      return rows.map((r) => {
        const item = /^#item-(.+)$/.exec(r.href)?.[1] ?? null;
        const [, label] = r.place.split(/\s+/);
        return { ...r, item, slot: label ? SLOT_OF_LABEL[label] : 'all', why: r.text.slice(r.place.length).trim() };
      });
    };

    try {
      // ---------------------------------------------------------------- 1. start a year
      const o = officer.page;
      await signIn(o, base, USERS.officer);
      await o.goto(`${base}/i/${INSTITUTION}/assessments`);
      const startForm = o.locator(`form[action="/i/${INSTITUTION}/assessments"]`);
      assert.equal(await startForm.count(), 1, 'the officer is offered the start-a-year form');
      // Every version offered is partial and says so in its option label.
      const options = await startForm.locator('select[name="catalog_id"] option').evaluateAll((os) =>
        os.map((x) => ({ value: x.value, label: x.textContent.trim() })),
      );
      assert.ok(options.length >= 1, 'some checklist version is offered');
      for (const opt of options) assert.match(opt.label, /【一部のみ収録・\d+ 項目】/, `partial version labelled: ${opt.label}`);
      const r7 = options.find((x) => x.value === 'mhlw/cyber-checklist-institution@R7') ?? options[0];
      const partialItems = Number(/【一部のみ収録・(\d+) 項目】/.exec(r7.label)[1]);
      assert.equal(await startForm.getAttribute('data-confirm'), JA.startPartialQuestion);
      // The current fiscal year (today's dates are within it): the demo has only 令和6年度.
      await startForm.locator('select[name="fiscal_year"]').selectOption(String(fy));
      await startForm.locator('select[name="catalog_id"]').selectOption(r7.value);
      const asked = await confirmAndGo(o, `form[action="/i/${INSTITUTION}/assessments"] button[type="submit"]`);
      assert.equal(asked, JA.startPartialQuestion);
      assert.match(new URL(o.url()).pathname, /^\/assessments\/[^/]+$/, `started: now at ${o.url()}`);
      const sheetUrl = `${base}${new URL(o.url()).pathname}`;
      assert.ok((await o.textContent('dl.facts')).includes(`${fy}-04-01 〜 ${fy + 1}-03-31`), 'the sheet is of the chosen year');
      assert.equal((await o.textContent('[data-testid="cy-status"]')).trim(), JA.draft);
      const notice = o.locator('[data-testid="coverage-partial"]');
      assert.ok(await notice.isVisible(), 'the sheet shows the partial-version notice');
      assert.ok(
        (await notice.textContent()).includes(`この版は公式文書の一部のみを収録しています (${partialItems} 項目)`),
        `notice: ${await notice.textContent()}`,
      );
      const itemIds = await o.locator('[data-testid="cy-item"]').evaluateAll((xs) => xs.map((x) => x.dataset.item));
      assert.equal(itemIds.length, partialItems, `the sheet shows the ${partialItems} items of the version (${itemIds.length})`);
      const start = await progress(o);
      assert.equal(start.done, 0, `nothing answered this year yet (${start.text})`);

      // ---------------------------------------------------------------- 2. answer part of it
      // Item 0 (the gate) and 1-1: はい, today.
      // Each save swaps its slot in place: the page does not reload and says so at the slot.
      const scrollBefore = await o.evaluate(() => window.scrollY);
      for (const item of ['0', '1-1']) {
        const form = slotForm(o, item, 'all');
        await form.locator('select[name="check1"]').selectOption('yes');
        await form.locator('input[name="check1_on"]').fill(today);
        assert.equal(await saveSlot(o, item, 'all'), 200, `item ${item} saved`);
        assert.ok(
          (await o.textContent(`#slot-${item}-all [data-testid="slot-status"]`)).includes(JA.savedHere),
          `item ${item} says it is saved where it is`,
        );
      }
      assert.equal((await progress(o)).done, 2, 'the progress follows the saves');
      assert.ok((await o.textContent('#live')).includes(JA.savedHere), 'the save is announced in the live region');
      // Another row is being filled in, not saved yet: no save elsewhere may lose it.
      const pending = slotForm(o, '2-2', 'all');
      await pending.locator('select[name="check1"]').selectOption('yes');
      await pending.locator('input[name="note"]').fill('入力途中の備考');
      // Item 2-1: いいえ without a target date. The form lets it be sent; the server refuses it.
      {
        const form = slotForm(o, '2-1', 'all');
        await form.locator('select[name="check1"]').selectOption('no');
        await form.locator('input[name="check1_on"]').fill(today);
        await form.locator('input[name="target_on"]').fill('');
        allowErrors(o, /\/answers$/); // the refusal below is answered 422, on purpose
        assert.equal(await saveSlot(o, '2-1', 'all'), 422, 'the refused answer is answered 422');
        const summary = o.locator('#slot-2-1-all [data-testid="slot-error"]');
        assert.ok(await summary.isVisible(), 'the refusal is summarised at the answer');
        assert.ok((await summary.textContent()).includes(JA.targetRequired), await summary.textContent());
        assert.equal(await o.evaluate(() => document.activeElement?.dataset?.testid), 'slot-error', 'focus moves to the error summary');
        // Its link leads to the field at fault, which says it is invalid.
        const link = summary.locator('a');
        assert.equal(await link.getAttribute('href'), '#f-2-1-all-target_on');
        assert.equal(await o.getAttribute('#f-2-1-all-target_on', 'aria-invalid'), 'true');
        // The form keeps what was typed, to correct; the other row keeps its input.
        assert.equal(await slotForm(o, '2-1', 'all').locator('select[name="check1"]').inputValue(), 'no');
        assert.equal(await pending.locator('select[name="check1"]').inputValue(), 'yes', 'the other row keeps its choice');
        assert.equal(await pending.locator('input[name="note"]').inputValue(), '入力途中の備考', 'the other row keeps its note');
        assert.equal(o.url(), sheetUrl, 'no navigation happened');
        // The page with a refusal in it is as accessible as the rest (WCAG 2.1 A/AA).
        assert.deepEqual(await axeViolations(o), [], 'axe-core finds nothing on the sheet with a refusal');
        assert.equal((await progress(o)).done, 2, 'the refused answer is not counted');
        if (SCREENSHOTS) {
          mkdirSync(OUT_DIR, { recursive: true });
          await summary.scrollIntoViewIfNeeded();
          const shot = path.join(OUT_DIR, 'desktop-39-slot-error.png');
          await o.screenshot({ path: shot, fullPage: false, animations: 'disabled' });
          t.diagnostic(`screenshot ${shot} (scrolled ${scrollBefore})`);
        }
        // Fixed in place: the target date, saved; the other row still holds its input.
        await link.click();
        assert.equal(await o.evaluate(() => document.activeElement?.id), 'f-2-1-all-target_on', 'the link moves to the field');
        await o.locator('#f-2-1-all-target_on').fill(fyEnd);
        assert.equal(await saveSlot(o, '2-1', 'all'), 200, '2-1 saved once fixed');
        assert.equal(await o.locator('#slot-2-1-all [data-testid="slot-error"]').count(), 0, 'the error is gone');
        assert.equal(await pending.locator('input[name="note"]').inputValue(), '入力途中の備考', 'the other row still keeps its note');
        assert.equal((await progress(o)).done, 3);
      }
      await o.goto(sheetUrl);
      assert.equal((await progress(o)).done, 3, 'three saved; the row left unsaved is not');
      assert.equal(await slotForm(o, '2-1', 'all').locator('input[name="target_on"]').inputValue(), fyEnd, '2-1 kept its target date');
      assert.equal(await o.locator('#slot-2-2-all').getByText('最終更新').count(), 0, '2-2 never saved');
      // The institution's own sheet has no "submit for approval" step: the executive approves the draft.
      assert.equal(await o.locator('[data-testid="approve"]').count(), 0, 'the officer does not approve');

      // ---------------------------------------------------------------- 3. not yet to approve
      const e = exec.page;
      await signIn(e, base, USERS.executive);
      await e.goto(sheetUrl);
      assert.equal(await e.locator('[data-testid="approve"]').count(), 0, 'no approval offered on an incomplete sheet');
      const notReady = (await e.textContent('[data-testid="approve-not-ready"]')).trim();
      const refusedUrl = e.url();
      assert.equal((await e.textContent('[data-testid="cy-status"]')).trim(), JA.draft, 'still a draft');
      const unmetBox = e.locator('details[data-testid="cy-unmet"]');
      assert.ok(await unmetBox.isVisible(), 'the unmet items are listed');
      await unmetBox.locator('summary').click();
      const unmet = await unmetList(e);
      assert.ok(unmet.length >= 1, 'at least one unmet item');
      assert.ok(notReady.includes(`${unmet.length} 件`), `the executive is told how many: ${notReady}`);
      assert.equal(
        (await unmetBox.locator('summary').textContent()).trim(),
        `承認の前に対応が必要な項目 (${unmet.length} 件)`,
      );
      for (const u of unmet) {
        assert.ok(u.item, `each entry links to an item on the sheet: ${JSON.stringify(u)}`);
        assert.equal(await e.locator(`article[id="item-${u.item}"][data-testid="cy-item"]`).count(), 1, `${u.href} names an item of the sheet`);
        assert.ok(u.slot, `the entry names a known slot: ${u.place}`);
        assert.ok(u.why.length > 0, `the entry says why: ${u.text}`);
      }
      const listed = new Set(unmet.map((u) => u.item));
      assert.ok(listed.has('2-2'), '2-2 (typed in, never saved) is listed');
      assert.ok(!listed.has('0') && !listed.has('1-1') && !listed.has('2-1'), 'answered items are not listed');
      assert.equal(unmet.find((u) => u.item === '2-2').why, JA.unanswered);
      // Every slot still without this year's first check is listed.
      assert.equal(unmet.length, start.needed - 3, 'every unanswered slot is listed');
      // The executive reads the sheet (no answer forms): a slot listed as 未記入 must not show a
      // first check. Checked at the end, so the rest of the flow still runs.
      const unansweredShownAnswered = [];
      for (const u of unmet.filter((x) => x.why === JA.unanswered)) {
        const readOnly = e.locator(`[data-item="${u.item}"] .cy-slot[data-slot="${u.slot}"] > dl.cy-read`);
        if ((await readOnly.count()) === 0) continue;
        const text = (await readOnly.textContent()).replace(/\s+/g, ' ').trim();
        if (/^1回目 ?(はい|いいえ)/.test(text)) unansweredShownAnswered.push(`${u.place}: "${text}"`);
      }
      // Following a link lands on the item.
      await e.click(`[data-testid="cy-unmet"] a[href="${unmet[0].href}"]`);
      await e.waitForFunction((id) => document.querySelector(':target')?.id === id, `item-${unmet[0].item}`);
      assert.equal(new URL(e.url()).hash, unmet[0].href);
      // The officer, too, is not offered the request yet.
      await o.goto(sheetUrl);
      assert.equal(await o.locator('[data-testid="request-approval"]').count(), 0, 'no request on an incomplete sheet');
      assert.equal(await o.locator('[data-testid="request-not-ready"]').count(), 1);

      // Screenshots of the not-ready page, desktop and phone; the phone page must not scroll
      // sideways.
      const phone = await newPage(browser, PHONE);
      sessions.push(phone);
      await signIn(phone.page, base, USERS.executive);
      await phone.page.goto(sheetUrl);
      assert.equal(await phone.page.locator('[data-testid="approve-not-ready"]').count(), 1);
      const width = await phone.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      assert.ok(width.scroll <= width.client, `the page does not scroll sideways at 390 px (${width.scroll} > ${width.client})`);
      if (SCREENSHOTS) {
        mkdirSync(OUT_DIR, { recursive: true });
        await e.goto(refusedUrl);
        for (const [name, page] of [['desktop', e], ['phone', phone.page]]) {
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.evaluate(() => document.fonts.ready);
          const file = path.join(OUT_DIR, `${name}-40-approval-not-ready.png`);
          await page.screenshot({ path: file, fullPage: false, animations: 'disabled' });
          t.diagnostic(`screenshot ${file}`);
        }
      }

      // ---------------------------------------------------------------- 4. fix and approve
      // The officer follows each link of the list and answers that slot: 2-1 いいえ with a
      // target date within the year, the rest はい; all dated today.
      await o.goto(sheetUrl);
      for (let round = 0; ; round += 1) {
        assert.ok(round < 100, 'the unmet list empties in a bounded number of saves');
        const box = o.locator('details[data-testid="cy-unmet"]');
        if ((await box.count()) === 0) break;
        const [u] = await unmetList(o);
        if (!(await box.evaluate((d) => d.open))) await box.locator('summary').click();
        await o.click(`[data-testid="cy-unmet"] a[href="${u.href}"]`);
        await o.waitForFunction((id) => document.querySelector(':target')?.id === id, `item-${u.item}`);
        const form = slotForm(o, u.item, u.slot);
        assert.equal(await form.count(), 1, `the listed ${u.place} has its answer form`);
        if (u.item === '2-1') {
          await form.locator('select[name="check1"]').selectOption('no');
          await form.locator('input[name="target_on"]').fill(fyEnd);
        } else {
          await form.locator('select[name="check1"]').selectOption('yes');
          await form.locator('input[name="target_on"]').fill('');
        }
        await form.locator('input[name="check1_on"]').fill(today);
        const status = await saveSlot(o, u.item, u.slot);
        assert.equal(status, 200, `${u.place} saved (${await o.locator('[data-testid="slot-error"]').allTextContents()})`);
        assert.ok((await o.textContent(`#slot-${u.item}-${u.slot} [data-testid="slot-status"]`)).includes(JA.savedHere));
        await o.goto(sheetUrl);
        const left = await unmetList(o);
        assert.ok(!left.some((x) => x.item === u.item && x.slot === u.slot), `${u.place} is off the list once answered`);
      }
      const done = await progress(o);
      assert.equal(done.done, done.needed, `every first check filled (${done.text})`);
      t.diagnostic(`${fy}: ${unmet.length} unmet of ${start.needed} at the refusal; ${done.text} before approval`);
      assert.equal(await slotForm(o, '2-1', 'all').locator('input[name="target_on"]').inputValue(), fyEnd);

      // The officer asks for approval; the sheet waits, locked.
      await go(o, '[data-testid="request-approval"]');
      assert.equal((await o.textContent('main .flash[role="status"]')).trim(), JA.requestedFlash);
      assert.equal((await o.textContent('[data-testid="cy-status"]')).trim(), JA.requested);
      assert.equal(await o.locator('.cy-slot form').count(), 0, 'no answer form while approval is requested');

      // The executive finds it on the home page, follows it and approves.
      await e.goto(`${base}/`);
      const awaiting = e.locator('[data-testid="awaiting-approval"]');
      assert.ok(await awaiting.isVisible(), `the executive's home says a sheet awaits approval (${e.url()})`);
      assert.ok((await awaiting.textContent()).includes(JA.awaiting));
      assert.ok((await e.textContent('[data-testid="nav-notifications"]')).includes('1'), 'one unread notice');
      if (SCREENSHOTS) {
        for (const [name, page] of [['desktop', e], ['phone', phone.page]]) {
          if (page !== e) await page.goto(`${base}/`);
          await page.evaluate(() => document.fonts.ready);
          const file = path.join(OUT_DIR, `${name}-41-executive-home-awaiting.png`);
          await page.screenshot({ path: file, fullPage: false, animations: 'disabled' });
          t.diagnostic(`screenshot ${file}`);
        }
      }
      await go(e, '[data-testid="awaiting-approval"] a.button');
      assert.equal(new URL(e.url()).pathname, new URL(sheetUrl).pathname, 'the link leads to the sheet');
      assert.equal(await e.locator('[data-testid="cy-unmet"]').count(), 0, 'nothing left unmet');
      await confirmAndGo(e, '[data-testid="approve"]');
      assert.equal((await e.textContent('main .flash[role="status"]')).trim(), JA.approvedFlash);
      assert.equal(await e.locator('main .flash-error').count(), 0);
      assert.equal((await e.textContent('[data-testid="cy-status"]')).trim(), JA.approved);
      assert.equal(await e.locator('[data-testid="approve"]').count(), 0, 'no approval left to give');
      assert.equal((await e.textContent('[data-testid="approval-approver"]')).trim(), JA.executiveName);
      const approvedOn = (await e.textContent('[data-testid="approval-date"]')).trim();
      assert.match(approvedOn, /^令和(元|\d+)年\d+月\d+日$/, `the day in 和暦: ${approvedOn}`);
      // The PDF carries the approval block.
      const pdf = await e.request.get(`${sheetUrl}/export.pdf`);
      assert.equal(pdf.status(), 200);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'mamori-pdf-'));
      const file = path.join(dir, 'sheet.pdf');
      writeFileSync(file, await pdf.body());
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      assert.ok(text.includes('承認者'), 'the PDF names the approver');
      assert.ok(text.includes(JA.executiveName.slice(0, 5)), `the approver's name is in the PDF`);
      assert.ok(text.includes(approvedOn), `the approval day is in the PDF: ${approvedOn}`);
      if (SCREENSHOTS) {
        for (const [name, page] of [['desktop', e], ['phone', phone.page]]) {
          if (page !== e) await page.goto(sheetUrl);
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.evaluate(() => document.fonts.ready);
          const shot = path.join(OUT_DIR, `${name}-42-approved-block.png`);
          await page.screenshot({ path: shot, fullPage: false, animations: 'disabled' });
          t.diagnostic(`screenshot ${shot}`);
        }
      }
      // The officer is told, in the app.
      await o.goto(`${base}/notifications`);
      assert.ok((await o.textContent('[data-testid="notices"]')).includes('承認しました'), 'the officer is told of the approval');
      // The officer sees it locked; the year's list shows it approved.
      await o.goto(sheetUrl);
      assert.equal((await o.textContent('[data-testid="cy-status"]')).trim(), JA.approved);
      assert.equal(await o.locator('.cy-slot form').count(), 0, 'no answer form on an approved sheet');
      await o.goto(`${base}/i/${INSTITUTION}/assessments`);
      const row = o.locator('table[data-testid="assessments"] tr', { has: o.locator(`a[href="${new URL(sheetUrl).pathname}"]`) });
      assert.ok((await row.textContent()).includes(JA.approved), `the year's row: ${await row.textContent()}`);

      // The read-only sheet must not show last year's carried-over はい/いいえ as this
      // year's 1回目 on slots the unmet list calls 未記入 (found by this test, fixed).
      assert.deepEqual(
        unansweredShownAnswered,
        [],
        'read-only sheet: a slot with no first check this year shows last year\'s carried answer as its 1回目',
      );
    } finally {
      for (const s of sessions) await s.context.close();
    }
  });
});
