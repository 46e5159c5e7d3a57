// Every role's whole journey by its links (issue 12, test d): each demo account signs in,
// starts from its home page and follows every same-site link it is shown — menus,
// breadcrumbs, buttons that are links, downloads — breadth first. No link may lead to a
// page the user may not open (403) or that does not exist (404), and every page it lands
// on offers a way to sign out.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { axeViolations, newPage, signIn, withServerAndBrowser } from './helpers.js';

// The demo's accounts, one per kind of user (crates/app/src/demo.rs).
const ROLES = {
  executive: 'rijicho@sakura.example.jp',
  officer: 'anzen@sakura.example.jp',
  planning: 'kikaku@sakura.example.jp',
  operator: 'unyo@sakura.example.jp',
  staff: 'shokuin@sakura.example.jp',
  inspector: 'kensa@pref.tokyo.example.jp',
  vendorWithContract: 'tanto@b-sha.example.jp',
  vendorWithoutContract: 'tanto@d-sha.example.jp',
  platformAdmin: 'admin@mamori.example',
};

// Bounded: at most this many pages per role (the demo has fewer besides the catalogs).
const MAX_PAGES = 200;
// Downloads are fetched, not rendered.
const DOWNLOAD = /\.(xlsx|pdf|zip|csv)(\?|$)|^\/contract-documents\/|\/evidence\/[^/]+$/;
// The official documents' pages are many and alike (every item, every search): a dozen
// of them are enough.
const SAMPLE = [/^\/catalogs/];
const SAMPLE_MAX = 12;

describe('every role follows every link it is shown (browser)', { timeout: 600_000 }, () => {
  let server;
  let browser;
  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  // At desktop and phone width: a table that scrolls sideways on a phone must take focus.
  for (const [role, email] of Object.entries(ROLES)) for (const width of [1280, 390]) {
    test(`${role} at ${width} px: no link leads to 403 or 404, no WCAG 2.1 A/AA violation`, { timeout: 240_000 }, async (t) => {
      const base = server.baseUrl;
      const s = await newPage(browser, { viewport: { width, height: 900 } });
      const page = s.page;
      try {
        await signIn(page, base, email);
        const queue = [new URL(page.url()).pathname + new URL(page.url()).search];
        const seen = new Set(queue);
        const sampled = new Map();
        const from = new Map();
        const broken = [];
        const noSignOut = [];
        const inaccessible = [];
        const checkedShapes = new Set();
        let visited = 0;
        while (queue.length > 0 && visited < MAX_PAGES) {
          const at = queue.shift();
          visited += 1;
          if (DOWNLOAD.test(at)) {
            const r = await page.request.get(`${base}${at}`);
            if ([403, 404].includes(r.status())) broken.push(`${r.status()} ${at}`);
            continue;
          }
          let res;
          try {
            res = await page.goto(`${base}${at}`);
          } catch (e) {
            // A link that turns out to be a download.
            if (!/Download is starting/.test(e.message)) throw e;
            const r = await page.request.get(`${base}${at}`);
            if ([403, 404].includes(r.status())) broken.push(`${r.status()} ${at}`);
            continue;
          }
          const status = res?.status() ?? 0;
          if ([403, 404].includes(status)) {
            page.allowedErrors = [/./]; // reported below with where the link was
            broken.push(`${status} ${at} (linked from ${from.get(at) ?? '?'})`);
            continue;
          }
          // A print layout is for paper (it carries no menu); every other page has sign-out.
          const printLayout = /\/print$/.test(new URL(at, base).pathname);
          if (!printLayout && (await page.locator('form[action="/logout"]').count()) === 0) noSignOut.push(at);
          // Accessibility (WCAG 2.1 A/AA by axe-core), once per kind of page: the same page
          // for another record differs only in its data.
          const shape = new URL(at, base).pathname.replace(/[0-9a-f]{8}-[0-9a-f-]{27,}|[0-9]{4,}/g, ':id');
          if (!checkedShapes.has(shape)) {
            checkedShapes.add(shape);
            for (const v of await axeViolations(page)) inaccessible.push(`${at}: ${v}`);
          }
          const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
          for (const href of hrefs) {
            if (!href || href.startsWith('#') || href.startsWith('mailto:')) continue;
            const url = new URL(href, `${base}${at}`);
            if (url.origin !== base) continue;
            const key = url.pathname + url.search;
            if (seen.has(key)) continue;
            const sample = SAMPLE.find((re) => re.test(url.pathname));
            if (sample) {
              const n = sampled.get(sample) ?? 0;
              if (n >= SAMPLE_MAX) continue;
              sampled.set(sample, n + 1);
            }
            seen.add(key);
            from.set(key, at);
            queue.push(key);
          }
        }
        t.diagnostic(`${role} at ${width} px: ${visited} pages and downloads followed, ${queue.length} left unvisited`);
        assert.deepEqual(broken, [], `${role} is shown links to pages it may not open`);
        assert.deepEqual(noSignOut, [], `${role}: pages without a way to sign out`);
        assert.deepEqual(inaccessible, [], `${role}: WCAG 2.1 A/AA violations found by axe-core on ${checkedShapes.size} kinds of page`);
      } finally {
        await s.context.close();
      }
    });
  }
});
