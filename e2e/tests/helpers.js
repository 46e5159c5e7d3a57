// Shared helpers for the mamori browser end-to-end tests.
//
// - startServer(): runs `mamori serve --demo` on a free loopback port with a
//   fresh temporary data directory, waits (bounded) for GET /healthz, and
//   returns { baseUrl, stop() }. stop() kills the process and removes the dir.
// - launchBrowser(): Debian's headless Chromium through playwright-core
//   (no browser download: executablePath is the system binary).
// - totp(): RFC 6238 (SHA-1, 6 digits, 30 s) with node:crypto only.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before } from 'node:test';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(here, '..');
export const REPO_DIR = path.resolve(E2E_DIR, '..');

export const DEMO_PASSWORD = 'sakura-demo-2026';
export const INSTITUTION = '1311234569';
export const USERS = {
  officer: 'anzen@sakura.example.jp',
  executive: 'rijicho@sakura.example.jp',
  admin: 'admin@mamori.example',
  vendorA: 'tanto@a-sha.example.jp',
  vendorB: 'tanto@b-sha.example.jp',
};

const HEALTH_TIMEOUT_MS = 30_000;

/** Path of the mamori binary: $E2E_MAMORI_BIN, else $CARGO_TARGET_DIR/debug/mamori, else ../target/debug/mamori. */
export function mamoriBin() {
  if (process.env.E2E_MAMORI_BIN) return path.resolve(process.env.E2E_MAMORI_BIN);
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(REPO_DIR, process.env.CARGO_TARGET_DIR)
    : path.join(REPO_DIR, 'target');
  return path.join(targetDir, 'debug', 'mamori');
}

/** Path of the Chromium binary: $CHROMIUM_BIN, else Debian's /usr/bin/chromium. */
export function chromiumBin() {
  return process.env.CHROMIUM_BIN || '/usr/bin/chromium';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Start `mamori serve --demo` on a free port with a fresh data dir.
 * Resolves once /healthz answers 200, or rejects after 30 s (with the log).
 */
export async function startServer() {
  const bin = mamoriBin();
  if (!existsSync(bin)) {
    throw new Error(
      `mamori binary not found at ${bin}; build it with \`cargo build -p mamori\` ` +
        'or point E2E_MAMORI_BIN (or CARGO_TARGET_DIR) at it',
    );
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mamori-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['serve', '--demo', '--data-dir', dataDir, '--bind', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The server refuses unknown MAMORI_* variables: pass none of the caller's.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAMORI_'))), NO_COLOR: '1' },
  });
  let log = '';
  const keep = (chunk) => {
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });

  // Last resort if the test process exits without calling stop().
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const t = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, 5_000);
      await exitPromise;
      clearTimeout(t);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`mamori exited early (${JSON.stringify(exited)}):\n${log}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        const body = await res.json();
        if (body.status === 'ok') break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mamori did not answer /healthz within ${HEALTH_TIMEOUT_MS} ms:\n${log}`);
    }
    await sleep(200);
  }
  return { baseUrl, dataDir, stop, log: () => log };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launch headless Debian Chromium. */
export async function launchBrowser() {
  const executablePath = chromiumBin();
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}; apt-get install -y chromium fonts-noto-cjk`);
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
}

// Every page a test opens is watched: a console error, an uncaught page error, a failed
// request or a sub-resource (stylesheet, script, image, htmx request) answered with an
// error status fails the test in `afterEach`, so a missing `app.css` or `htmx.min.js` cannot
// pass. The documents themselves are not counted here: tests assert their status (an
// expected 404 page logs "Failed to load resource" for the document only).
const watched = [];

/** Problems seen on `page` so far (and from now on), as readable lines. */
export function watch(page) {
  const problems = [];
  const documents = new Set();
  page.on('response', (r) => {
    if (r.request().isNavigationRequest()) {
      if (r.status() >= 400) documents.add(r.url());
      return;
    }
    if (r.status() >= 400 && !page.allowedErrors?.some((re) => re.test(new URL(r.url()).pathname))) {
      problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    }
  });
  page.on('requestfailed', (r) => {
    // A request cut short by the next navigation is aborted, not failed.
    if (!r.isNavigationRequest() && r.failure()?.errorText !== 'net::ERR_ABORTED') {
      problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
    }
  });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const at = m.location()?.url;
    // Chromium logs the failed load of an error document; the test asserted its status.
    if (/Failed to load resource/.test(m.text()) && at && documents.has(at)) return;
    if (/Failed to load resource/.test(m.text()) && page.allowedErrors?.some((re) => at && re.test(new URL(at).pathname))) return;
    problems.push(`console: ${m.text()}${at ? ` (${at})` : ''}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  watched.push({ page, problems });
  return problems;
}

/** Let a test expect error answers to requests whose path matches `re` (e.g. an htmx 409). */
export function allowErrors(page, re) {
  page.allowedErrors = [...(page.allowedErrors ?? []), re];
}

afterEach(() => {
  const seen = watched.splice(0).flatMap(({ page, problems }) =>
    problems.map((p) => `${page.url()}: ${p}`),
  );
  if (seen.length > 0) {
    throw new Error(`console errors, page errors or failed sub-resources:\n${seen.join('\n')}`);
  }
});

/** New context with sane bounded timeouts; its page is watched for errors (see `watch`). */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', ...options });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  watch(page);
  return { context, page };
}

/** Sign in with the password form; waits for the navigation after submit. */
export async function signIn(page, baseUrl, email, password = DEMO_PASSWORD) {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]:has-text("ログイン")')]);
}

// ---------- TOTP (RFC 4226 / RFC 6238) ----------

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decode RFC 4648 base32 (padding and whitespace optional, case-insensitive). */
export function base32Decode(text) {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = B32.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character ${JSON.stringify(ch)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

export const TOTP_PERIOD = 30;

/** The TOTP time step for a Unix time in milliseconds. */
export function totpStep(nowMs = Date.now()) {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD);
}

/** HOTP code for a counter (6 digits, HMAC-SHA1). */
export function hotp(secretBase32, counter, digits = 6) {
  const key = base32Decode(secretBase32);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin =
    ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** TOTP code for a time step (default: now). */
export function totp(secretBase32, step = totpStep()) {
  return hotp(secretBase32, step);
}

/**
 * A code that is safe to type now: if the current step ends within `margin`
 * seconds, or is not after `afterStep` (the server refuses a code of a step
 * already used), wait for the next step first. Returns { code, step }.
 */
export async function freshTotp(secretBase32, { afterStep = -Infinity, margin = 3 } = {}) {
  for (;;) {
    const now = Date.now();
    const step = totpStep(now);
    const leftMs = (step + 1) * TOTP_PERIOD * 1000 - now;
    if (step > afterStep && leftMs > margin * 1000) return { code: totp(secretBase32, step), step };
    await sleep(Math.min(leftMs + 50, TOTP_PERIOD * 1000));
  }
}

// axe-core (WCAG 2.1 A and AA), run inside the page. Returns one line per violation and
// element: "rule-id: what is wrong — selector". Evaluated over CDP, so the page's CSP
// (no inline script) does not stand in the way and nothing of axe stays in the page.
import { createRequire } from 'node:module';
const axeSource = createRequire(import.meta.url)('axe-core').source;
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export async function axeViolations(page) {
  const found = await page.evaluate(async ([source, tags]) => {
    if (!window.axe) (0, eval)(source);
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} — ${n.target.join(' ')}`));
  }, [axeSource, AXE_TAGS]);
  return found;
}

/**
 * Save one slot of a checklist sheet in place (htmx swaps the slot; nothing navigates).
 * Resolves to the response's status once the new slot is in the page.
 */
export async function saveSlot(page, item, slot) {
  const form = page.locator(`[id="slot-${item}-${slot}"] form`);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/answers') && r.request().method() === 'POST'),
    form.locator('[data-testid="cy-save"]').click(),
  ]);
  await page.waitForFunction(
    (id) => {
      const el = document.getElementById(id);
      return el && !el.classList.contains('htmx-swapping') && !el.classList.contains('htmx-settling')
        && el.isConnected && !document.querySelector('.htmx-request');
    },
    `slot-${item}-${slot}`,
  );
  return res.status();
}

/**
 * The suite's demo server and browser: started before its tests, stopped after them.
 * `set(server, browser)` receives them once started.
 */
export function withServerAndBrowser(set) {
  let server;
  let browser;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    set(server, browser);
  }, { timeout: 60_000 });
  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  }, { timeout: 30_000 });
}

/** With SCREENSHOTS=1, a screenshot of `page` as e2e/screenshots/<name>.png (the viewport,
 * or the whole page with `fullPage`), named in the test's diagnostics. */
export async function shot(page, t, name, { fullPage = false } = {}) {
  if (process.env.SCREENSHOTS !== '1') return;
  const dir = path.join(E2E_DIR, 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage, animations: 'disabled' });
  t.diagnostic(`screenshot ${file}`);
}

/** No axe-core (WCAG 2.1 A/AA) violation on `page`. */
export async function accessible(page, where) {
  assert.deepEqual(await axeViolations(page), [], `axe-core (WCAG 2.1 A/AA) on ${where}`);
}
