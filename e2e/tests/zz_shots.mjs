import { startServer, launchBrowser, newPage, signIn } from './helpers.js';
const server = await startServer();
const browser = await launchBrowser();
const widths = { desktop: { viewport: { width: 1280, height: 900 } }, phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true } };
try {
  for (const [w, o] of Object.entries(widths)) {
    const { page, context } = await newPage(browser, o);
    await signIn(page, server.baseUrl, 'anzen@sakura.example.jp');
    await page.goto(`${server.baseUrl}/i/1311234569/assessments`);
    const link = page.locator('a[href^="/assessments/"]').first();
    await link.click();
    await page.waitForURL(/\/assessments\//);
    await page.locator('#item-2-1').scrollIntoViewIfNeeded();
    await page.locator('#item-2-1').screenshot({ path: `/tmp/sg-${w}.png` });
    await page.goto(`${server.baseUrl}/i/1311234569/ledger`);
    await page.screenshot({ path: `/tmp/ledger-${w}.png` });
    await page.goto(`${server.baseUrl}/i/1311234569/checks`);
    await page.screenshot({ path: `/tmp/checks-${w}.png`, fullPage: true });
    await page.goto(`${server.baseUrl}/i/1311234569`);
    await page.screenshot({ path: `/tmp/dash-${w}.png`, fullPage: true });
    await context.close();
  }
} finally { await browser.close(); await server.stop(); }
