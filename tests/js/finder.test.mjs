// The finder page at / in headless Chromium, through the real service on the scrubbed SE
// Pennsylvania sample: a search near a place (picked from the autocomplete), its list,
// markers and facet counts against the API's own answer; a filter chosen with the keyboard
// and kept in the URL; a group's page and its calendar file; the page with no network but
// the service; phone width; a new group arriving live. Nothing searched reaches the logs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, lowContrast, openPage, screenshot, startSample } from './browser.mjs';
import { OPERATOR_TOKEN, post } from './server.mjs';

const PLACE = 'Philadelphia, PA, US';
const WORD = 'serenityprayer';
let service;
let browser;

before(async () => {
  service = await startSample();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

// What the API answers for the same search, straight from /graphql.
async function api(filter, near) {
  const body = await post(service.url, {
    query: `query($filter: GroupFilter, $near: NearInput) {
      groups(filter: $filter, near: $near, first: 20) {
        totalCount
        edges { distanceKm node { name location { latitude longitude } } }
        facets { topics { value count } kinds { value count } attendance { value count } weekdays { value count } timeOfDay { value count } }
      }
      places(query: "Philadel", first: 8) { name latitude longitude }
    }`,
    variables: { filter, near },
  });
  assert.deepEqual(body.errors ?? [], []);
  return body.data;
}

async function placePoint() {
  const { places } = await api({}, null);
  const place = places.find((p) => p.name === PLACE);
  return { latitude: place.latitude, longitude: place.longitude, radiusKm: 10, includeOnline: false };
}

// What the page shows: the count line, the cards, the markers and each facet checkbox's count.
function shown(page) {
  return page.evaluate(() => ({
    count: document.getElementById('count').textContent,
    names: [...document.querySelectorAll('#results .card h3')].map((e) => e.textContent),
    distances: [...document.querySelectorAll('#results .card')].map((c) => c.querySelector('.distance')?.textContent ?? null),
    markers: document.querySelectorAll('#map .leaflet-marker-icon').length,
    facets: Object.fromEntries([...document.querySelectorAll('fieldset[data-facet] input')].map((i) =>
      [`${i.closest('fieldset').dataset.facet}:${i.value}`, Number(i.closest('label').querySelector('.count').dataset.count)])),
  }));
}

async function settled(page, countPattern) {
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.getElementById('count').textContent),
    { timeout: 20_000 },
    countPattern.source,
  );
}

function assertFacetsAgree(facetsShown, facetsApi) {
  for (const [key, counts] of Object.entries(facetsApi)) {
    for (const { value, count } of counts) {
      assert.equal(facetsShown[`${key}:${value}`], count, `the page's count for ${key} ${value}`);
    }
  }
  // And a value the API does not count shows 0.
  for (const [key, count] of Object.entries(facetsShown)) {
    const [facet, value] = key.split(':');
    if (!facetsApi[facet].some((f) => f.value === value)) assert.equal(count, 0, key);
  }
}

test('a search near a place picked from the suggestions lists what the API finds, with its facet counts', async () => {
  const page = await openPage(browser);
  await page.goto(`${service.url}/`);
  await settled(page, /groups found/);

  await page.type('#q', '');
  await page.click('#near');
  await page.keyboard.type('Philadel');
  await page.waitForFunction((name) => [...document.querySelectorAll('#place-options option')].some((o) => o.value === name), {}, PLACE);
  await page.$eval('#near', (el) => { el.value = ''; });
  await page.type('#near', PLACE);
  await page.keyboard.press('Enter');
  await settled(page, /found near here/);

  const near = await placePoint();
  const expected = (await api({}, near)).groups;
  const seen = await shown(page);
  assert.match(seen.count, new RegExp(`^${expected.totalCount} groups found near here`));
  assert.deepEqual(seen.names, expected.edges.map((e) => e.node.name));
  assert.deepEqual(seen.distances, expected.edges.map((e) => `${e.distanceKm.toFixed(1)} km away`));
  assert.equal(seen.markers, expected.edges.filter((e) => e.node.location?.latitude != null).length);
  assertFacetsAgree(seen.facets, expected.facets);
  assert.match(await page.evaluate(() => location.hash), /near=Philadelphia%2C\+PA%2C\+US&lat=39\.\d+&lng=-75\.\d+&r=10/);
  // The viewer is in London: each next meeting shows in New York time and in the viewer's.
  const when = await page.$eval('#results .card .next', (e) => e.textContent);
  assert.match(when, /New York time\) · .* your time/);
  await screenshot(page, 'finder');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a filter chosen with the keyboard narrows the list, agrees with the API and lives in the URL', async () => {
  const near = await placePoint();
  const page = await openPage(browser);
  await page.goto(`${service.url}/#/?lat=${near.latitude}&lng=${near.longitude}&r=10`);
  await settled(page, /found near here/);

  await page.focus('#f-weekdays-MONDAY');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => location.hash.includes('weekdays=MONDAY'));
  const expected = (await api({ weekdays: ['MONDAY'] }, near)).groups;
  await settled(page, new RegExp(`^${expected.totalCount} groups? found`));

  const seen = await shown(page);
  assert.ok(expected.totalCount > 0 && expected.totalCount < 17, `a narrower list: ${expected.totalCount}`);
  assert.deepEqual(seen.names, expected.edges.map((e) => e.node.name));
  assertFacetsAgree(seen.facets, expected.facets);
  assert.equal(seen.facets['weekdays:MONDAY'], expected.totalCount, 'a value selected alone counts the whole list');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-weekdays-MONDAY', 'focus stays on the checkbox');

  // The URL is the search: opened elsewhere, it shows the same list with the box ticked.
  const shared = await openPage(browser);
  await shared.goto(page.url());
  await settled(shared, new RegExp(`^${expected.totalCount} groups? found`));
  assert.deepEqual((await shown(shared)).names, seen.names);
  assert.equal(await shared.$eval('#f-weekdays-MONDAY', (e) => e.checked), true);
  await shared.close();
  await page.close();
});

test('every control of the search form and the filters has a label, and all text passes AA contrast', async () => {
  const page = await openPage(browser);
  await page.goto(`${service.url}/`);
  await settled(page, /groups found/);
  const unlabelled = await page.$$eval('input, select, button', (els) =>
    els.filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.textContent.trim())).map((el) => el.outerHTML));
  assert.deepEqual(unlabelled, []);
  const live = await page.$$eval('[aria-live]', (els) => els.map((e) => e.id));
  assert.ok(live.includes('count') && live.includes('notice'), `${live}`);
  assert.deepEqual(await lowContrast(page), [], 'text under 4.5:1 (WCAG AA)');
  await page.close();
});

test("a group's page shows its meetings, place, sources and a weekly calendar file", async () => {
  const page = await openPage(browser);
  await page.goto(`${service.url}/#/?q=Sunrise+Semester`);
  await settled(page, /^1 group found/);
  await page.click('#results .card h3 a');
  await page.waitForSelector('#group-name');

  const text = await page.$eval('#group-view', (e) => e.innerText);
  assert.match(text, /Sunrise Semester/);
  assert.match(text, /Sundays 08:00/);
  assert.match(text, /Tuesdays 07:15/);
  assert.match(text, /1904 Walnut St, Philadelphia, PA 19103/);
  assert.match(text, /Listed by\s+sepa · the listing/);
  const listing = await page.$eval('.sources a', (a) => a.href);
  assert.match(listing, /^https:\/\/www\.aasepia\.org\//);

  const ics = await page.$eval('#add-to-calendar', async (a) => ({ file: a.download, body: await (await fetch(a.href)).text() }));
  assert.equal(ics.file, 'sunrise-semester.ics');
  assert.match(ics.body, /^BEGIN:VCALENDAR\r\n/);
  assert.equal(ics.body.match(/BEGIN:VEVENT/g).length, 2);
  assert.match(ics.body, /DTSTART;TZID=America\/New_York:\d{8}T080000\r\nDTEND;TZID=America\/New_York:\d{8}T090000\r\nRRULE:FREQ=WEEKLY;BYDAY=SU\r\n/);
  assert.match(ics.body, /DTSTART;TZID=America\/New_York:\d{8}T071500\r\n.*\r\nRRULE:FREQ=WEEKLY;BYDAY=TU\r\n/);
  await screenshot(page, 'group');

  await page.click('a.back');
  await settled(page, /^1 group found/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('with no network but the service, the list and the markers still show', async () => {
  const page = await openPage(browser);
  const host = new URL(service.url).host;
  const refused = [];
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    if (new URL(req.url()).host === host || req.url().startsWith('data:') || req.url().startsWith('blob:')) req.continue();
    else {
      refused.push(req.url());
      req.abort('internetdisconnected');
    }
  });
  const near = await placePoint();
  await page.goto(`${service.url}/#/?lat=${near.latitude}&lng=${near.longitude}&r=10`);
  await settled(page, /found near here/);

  const expected = (await api({}, near)).groups;
  const seen = await shown(page);
  assert.equal(seen.names.length, expected.edges.length);
  assert.equal(seen.markers, expected.edges.filter((e) => e.node.location?.latitude != null).length);
  assert.ok(refused.length > 0 && refused.every((u) => u.startsWith('https://tile.openstreetmap.org/')), `only tiles were asked for elsewhere: ${refused}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('at phone width the page fits the screen', async () => {
  const page = await openPage(browser, { width: 390, height: 844 });
  const near = await placePoint();
  await page.goto(`${service.url}/#/?lat=${near.latitude}&lng=${near.longitude}&r=10&attendance=HYBRID`);
  await settled(page, /found near here/);
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `no sideways scrolling: ${scroll} > ${inner}`);
  await page.evaluate(() => document.getElementById('results-heading').scrollIntoView());
  await screenshot(page, 'finder-phone');
  await page.close();
});

test('a new group that matches the search arrives live, with a notice', async () => {
  const page = await openPage(browser);
  const near = await placePoint();
  await page.goto(`${service.url}/#/?lat=${near.latitude}&lng=${near.longitude}&r=10&q=${WORD}`);
  await settled(page, /^0 groups found/);
  await page.waitForSelector('#live-status[data-live="on"]');

  service.feed.write([...service.feed.rows, {
    name: `Harbour Lights ${WORD}`, slug: 'harbour-lights-1', day: 2, time: '18:30', types: ['O'],
    formatted_address: '200 S Broad St, Philadelphia, PA 19102, USA', latitude: 39.9489, longitude: -75.1645,
  }]);
  const body = await post(service.url, { query: 'mutation { runImport(sourceId: "sepa") { outcome } }' },
    { authorization: `Bearer ${OPERATOR_TOKEN}` });
  assert.equal(body.data.runImport.outcome, 'SUCCEEDED');

  await page.waitForFunction(() => document.getElementById('notice').textContent.includes('1 new group matches your search'));
  await screenshot(page, 'finder-live');
  await page.click('#notice button');
  await settled(page, /^1 group found/);
  assert.deepEqual((await shown(page)).names, [`Harbour Lights ${WORD}`]);
  assert.doesNotMatch(service.logs(), new RegExp(WORD, 'i'), 'the service logged what was searched');
  assert.deepEqual(page.errors, []);
  await page.close();
});
