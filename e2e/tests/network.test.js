// Issue 13's network diagram at 1280 and 390 px, checked by axe-core (WCAG 2.1 A/AA): the
// security officer opens the network page from the ledger, then the diagram — the SVG drawn
// inline with every zone, device and connection point of the demo hospital (three zones,
// the Internet through the firewall, A社's VPN maintenance line marked), its text
// alternative and the downloads. Screenshots with SCREENSHOTS=1.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accessible, newPage, shot, signIn, withServerAndBrowser } from './helpers.js';

const WIDTHS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

describe('the network diagram (browser)', { timeout: 300_000 }, () => {
  let server;
  let browser;
  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  for (const [width, options] of Object.entries(WIDTHS)) {
    test(`open the network and its diagram at ${width} width`, { timeout: 120_000 }, async (t) => {
      const base = server.baseUrl;
      const { page, context } = await newPage(browser, options);
      try {
        await signIn(page, base, 'anzen@sakura.example.jp');
        await page.goto(`${base}/i/1311234569/ledger`);
        await page.click('[data-testid=network-link]');
        await page.waitForURL(/\/i\/1311234569\/network$/);
        const zones = await page.textContent('[data-testid=zones]');
        assert.ok(zones.includes('電子カルテ系') && zones.includes('192.168.20.0/24'), zones);
        await accessible(page, 'the network page');
        await shot(page, t, `network-${width}`, { fullPage: true });

        await page.click('[data-testid=diagram-link]');
        await page.waitForURL(/\/network\/diagram$/);
        const counts = await page.evaluate(() => ({
          zones: document.querySelectorAll('[data-testid=diagram] svg g.zone[data-id]').length,
          unzoned: document.querySelectorAll('[data-testid=diagram] svg g.zone.unzoned').length,
          devices: document.querySelectorAll('[data-testid=diagram] svg g.device').length,
          connections: document.querySelectorAll('[data-testid=diagram] svg g.connection').length,
          maintenance: document.querySelectorAll('[data-testid=diagram] svg g.connection[data-maintenance=true]').length,
        }));
        // The demo's three zones, and its entries without a zone (the end-of-support demo's)
        // in a group of their own; every entry in use is drawn.
        assert.deepEqual(counts, { zones: 3, unzoned: 1, devices: 7, connections: 2, maintenance: 1 });
        const box = await page.locator('[data-testid=diagram] svg').boundingBox();
        assert.ok(box && box.width > 300 && box.height > 200, JSON.stringify(box));
        await accessible(page, 'the diagram');
        await shot(page, t, `network-diagram-${width}`);
        await page.click('[data-testid=diagram-text] summary');
        assert.match(await page.textContent('[data-testid=diagram-text]'), /A社 リモート保守センター/);
        await shot(page, t, `network-diagram-text-${width}`, { fullPage: true });
        const svg = await page.request.get(`${base}/i/1311234569/network/diagram.svg`);
        assert.equal(svg.status(), 200);
        assert.match(svg.headers()['content-type'], /image\/svg\+xml/);
      } finally {
        await context.close();
      }
    });
  }
});
