// What the browser tests share: headless Chromium (the system's /usr/bin/chromium, or
// $CHROMIUM; puppeteer-core downloads no browser) and a service on a writable copy of the
// scrubbed SE Pennsylvania sample (tests/fixtures/sepa-sample.json, 80 meetings), ready.
// Screenshots go to docs/screenshots/ (the README shows them).
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
