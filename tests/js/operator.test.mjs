// The operator console at /operator in headless Chromium, through the real service: the token
// asked for once per session, the sources' health, a group's records linked to another
// group's and unlinked again, and a feed change that would drop most groups held, then
// applied with "Apply anyway"; each checked against the API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, lowContrast, openPage, screenshot, startSample } from './browser.mjs';
import { OPERATOR_TOKEN, post } from './server.mjs';

let service;
let browser;
let page;

before(async () => {
  service = await startSample();
  browser = await launchBrowser();
  page = await openPage(browser);
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

async function api(query) {
  const body = await post(service.url, { query }, { authorization: `Bearer ${OPERATOR_TOKEN}` });
  assert.deepEqual(body.errors ?? [], []);
  return body.data;
}

const sepaRow = () => page.$eval('tr[data-source-id="sepa"]', (tr) => tr.innerText);

test('the console asks for the token once per session and shows each source with its last run', async () => {
  await page.goto(`${service.url}/operator`);
  await page.waitForSelector('#token-form:not([hidden])');
  await page.type('#token', OPERATOR_TOKEN);
  await page.keyboard.press('Enter');
  await page.waitForSelector('tr[data-source-id="sepa"]');

  const { sources: [sepa] } = await api('{ sources { lastRun { counts { seen added } } } }');
  const row = await sepaRow();
  assert.match(row, /SUCCEEDED/);
  assert.match(row, new RegExp(`${sepa.lastRun.counts.seen} seen, ${sepa.lastRun.counts.added} added`));

  await page.reload();
  await page.waitForSelector('tr[data-source-id="sepa"]');
  assert.equal(await page.$eval('#token-form', (f) => f.hidden), true, 'asked again in the same session');
  assert.deepEqual(await lowContrast(page), [], 'text under 4.5:1 (WCAG AA)');
  assert.deepEqual(page.errors, []);
});

test("a group's records show, and linking and unlinking records of two groups changes what the API answers", async () => {
  const find = async (text) => (await api(`{ groups(filter: { text: "${text}" }) { edges { node { id records { sourceId externalId } } } } }`)).groups.edges[0].node;
  const sunrise = await find('Sunrise Semester');
  const other = await find('Greater Northeast');
  const key = (r) => `${r.sourceId}:${r.externalId}`;
  const [a, b] = [key(sunrise.records[0]), key(other.records[0])];

  await page.type('#group-id', sunrise.id);
  await page.click('#group-form button');
  await page.waitForSelector('#link-a');
  const shown = await page.$eval('#group', (e) => e.innerText);
  for (const r of sunrise.records) assert.ok(shown.includes(key(r)), shown);

  await page.type('#link-a', a);
  await page.type('#link-b', b);
  await page.type('#link-reason', 'one group, two rooms');
  await page.click('#link-reason ~ button');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Linked'));
  await page.waitForFunction((k) => document.getElementById('group').innerText.includes(k), {}, b);
  const linked = (await api(`{ group(id: "${other.id}") { id records { externalId } } }`)).group;
  assert.equal(linked.id, sunrise.id, 'the other group now resolves to the linked one');
  assert.equal(linked.records.length, sunrise.records.length + 1);
  await page.setViewport({ width: 1280, height: 1100 });
  await page.evaluate(() => document.getElementById('group-heading').scrollIntoView());
  await screenshot(page, 'operator-group');

  await page.type('#unlink-a', a);
  await page.type('#unlink-b', b);
  await page.click('#unlink-reason ~ button');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Unlinked'));
  assert.equal((await find('Greater Northeast')).records.length, 1, 'apart again');
  assert.deepEqual(page.errors, []);
});

test('a run that would drop most groups is held, and "Apply anyway" applies it', async () => {
  const before = (await api('{ groups { totalCount } }')).groups.totalCount;
  service.feed.write(service.feed.rows.slice(0, 3));

  await page.click('tr[data-source-id="sepa"] button:not(.apply)');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('sepa: HELD'));
  await page.waitForSelector('tr[data-source-id="sepa"] button.apply');
  const held = await sepaRow();
  assert.match(held, /HELD/);
  assert.match(held, /held: \d+ of the \d+ records of source `sepa` disappeared/);
  assert.equal((await api('{ groups { totalCount } }')).groups.totalCount, before, 'a held run changes nothing');
  await page.setViewport({ width: 1280, height: 700 });
  await screenshot(page, 'operator-held');

  await page.click('tr[data-source-id="sepa"] button.apply');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('sepa: SUCCEEDED'));
  await page.waitForFunction(() => !document.querySelector('tr[data-source-id="sepa"] button.apply'));
  const { sources: [sepa], groups } = await api('{ sources { lastRun { outcome counts { missing } } } groups { totalCount } }');
  assert.equal(sepa.lastRun.outcome, 'SUCCEEDED');
  assert.ok(sepa.lastRun.counts.missing > 70, `records marked missing: ${sepa.lastRun.counts.missing}`);
  assert.ok(groups.totalCount <= 3, `active groups left: ${groups.totalCount}`);
  assert.match(await sepaRow(), /SUCCEEDED/);
  assert.deepEqual(page.errors, []);
});

test('pausing a source from the console stops its imports, and resuming it lets them run again', async () => {
  await page.click('tr[data-source-id="sepa"] button.secondary:nth-child(2)');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'sepa: paused');
  await page.waitForFunction(() => document.querySelector('tr[data-source-id="sepa"]').innerText.includes('paused by env'));
  const paused = await post(service.url, { query: 'mutation { runImport(sourceId: "sepa") { outcome } }' }, { authorization: `Bearer ${OPERATOR_TOKEN}` });
  assert.match(paused.errors?.[0]?.message ?? '', /paused/, 'a paused source is not imported');
  assert.equal((await api('{ source(id: "sepa") { paused } }')).source.paused, true);

  await page.click('tr[data-source-id="sepa"] button.secondary');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'sepa: resumed');
  assert.equal((await api('{ source(id: "sepa") { paused } }')).source.paused, false);
  assert.deepEqual(page.errors, []);
});
