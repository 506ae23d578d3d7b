// What the browser tests share: headless Chromium (the system's /usr/bin/chromium, or
// $CHROMIUM; puppeteer-core downloads no browser) and a service on a writable copy of the
// scrubbed SE Pennsylvania sample (tests/fixtures/sepa-sample.json, 80 meetings), ready.
// Screenshots go to docs/screenshots/ (the README shows them); lowContrast lists text under
// WCAG AA contrast.
import { existsSync, mkdirSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { feedCopy, meetingGuideSource, startService, untilReady } from './server.mjs';

const root = new URL('../../', import.meta.url);
export const SCREENSHOTS = new URL('docs/screenshots/', root).pathname;

export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: install the Debian package chromium (scripts/test does as root) or set CHROMIUM`);
  }
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--lang=en-GB'],
  });
}

// A service on a copy of the sample feed (source `sepa`), its first import done.
export async function startSample(extraToml = '') {
  const feed = feedCopy('sepa-sample.json', new URL('tests/fixtures/sepa-sample.json', root));
  const service = await startService(meetingGuideSource('sepa', feed.path) + extraToml);
  await untilReady(service.url);
  return {
    url: service.url,
    feed,
    logs: service.logs,
    async stop() {
      await service.stop();
      feed.remove();
    },
  };
}

// A page at phone or desktop size in a fixed time zone, failing the test on any script error.
export async function openPage(browser, { width = 1280, height = 900, timezone = 'Europe/London' } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width, height });
  await page.emulateTimezone(timezone);
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.errors = errors;
  return page;
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });
}

// Text outside the map whose colour is under 4.5:1 against the first opaque background
// behind it (WCAG 2 contrast ratio).
export function lowContrast(page) {
  return page.evaluate(() => {
    const rgb = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || c[3] > 0.5) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const bad = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('#map') || !el.checkVisibility?.()) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (!own) continue;
      const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) bad.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}": ${ratio.toFixed(2)}`);
    }
    return bad;
  });
}
