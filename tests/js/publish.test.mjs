// The published feeds against the official schemas, with ajv (JSON Schema draft-07, the
// schemas' own; their extra keywords such as `core` or `constraints` are not vocabulary, so
// strict mode is off) and ajv-formats (uuid, uri, email, date-time): the Meeting Guide feed
// against code4recovery's feed schema, every /hsds/ answer against the HSDS 3.0 schemas and
// the OpenAPI document's page envelope (tests/fixtures/schemas/, copied with their licences).
// The service reads two Meeting Guide feeds: fixtures/publish-feed.json (written for these
// tests: a monthly meeting, an online one, one in Chicago's zone, an organisation) and
// fixtures/sepa-small.json (six real, scrubbed meetings whose addresses are not US-pattern
// clean). Round trips are the Rust tests' (tests/api/publish_*.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { feedCopy, meetingGuideSource, startService, untilReady } from './server.mjs';

const schemas = new URL('../fixtures/schemas/', import.meta.url);
const load = (path) => JSON.parse(readFileSync(new URL(path, schemas), 'utf8'));

function ajv() {
  const a = new Ajv({ strict: false, allErrors: true });
  addFormats(a);
  return a;
}

function check(validate, value, what) {
  const ok = validate(value);
  assert.ok(ok, `${what}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
}

async function withService(fn) {
  const mine = feedCopy('publish-feed.json');
  const sepa = feedCopy('sepa-small.json');
  const service = await startService(meetingGuideSource('mine', mine.path) + meetingGuideSource('sepa', sepa.path));
  try {
    await untilReady(service.url);
    await fn(service.url);
  } finally {
    await service.stop();
    mine.remove();
    sepa.remove();
  }
}

async function getJson(url) {
  const resp = await fetch(url);
  assert.equal(resp.status, 200, url);
  return resp.json();
}

test('the Meeting Guide feed validates against the spec schema', async () => {
  const a = ajv();
  a.addSchema(load('meeting-guide/meeting-type.schema.json'));
  a.addSchema(load('meeting-guide/meeting.schema.json'));
  const feed = a.compile(load('meeting-guide/feed.schema.json'));
  assert.equal(feed([{ name: 'x', slug: 'x', types: ['ONL'] }]), false, 'the schema knows its type codes');
  await withService(async (url) => {
    const entries = await getJson(`${url}/feeds/meeting-guide.json`);
    assert.equal(entries.length, 11, 'five meetings of ours, six of SE Pennsylvania');
    check(feed, entries, '/feeds/meeting-guide.json');
    const filtered = await getJson(`${url}/feeds/meeting-guide.json?source=mine&attendance=ONLINE`);
    assert.deepEqual(filtered.map((e) => e.name), ['Early Birds Online']);
    check(feed, filtered, 'a filtered feed');
  });
});

test('every /hsds/ answer validates against the HSDS 3.0 schemas', async () => {
  const a = ajv();
  const openapi = load('hsds-3.0/openapi.json');
  const service = a.compile(load('hsds-3.0/service.json'));
  const serviceList = load('hsds-3.0/service_list.json');
  const organization = a.compile(load('hsds-3.0/organization.json'));
  const organizationList = load('hsds-3.0/organization_list.json');
  const salList = load('hsds-3.0/service_at_location_list.json');
  const serviceSchema = load('hsds-3.0/service.json');
  const term = serviceSchema.properties.attributes.items.properties.taxonomy_term;
  const taxonomy = term.properties.taxonomy_detail;
  assert.equal(service({ id: 'not-a-uuid', name: 'x', status: 'active' }), false, 'the schema checks uuids');
  const root = a.compile(openapi.paths['/'].get.responses['200'].content['application/json'].schema);
  const envelope = Object.keys(openapi.components.schemas.Page.properties);
  const page = (items) =>
    a.compile({
      allOf: [openapi.components.schemas.Page],
      required: [...envelope, 'contents'],
      properties: { contents: { type: 'array', items } },
    });

  await withService(async (url) => {
    check(root, await getJson(`${url}/hsds/`), '/hsds/');

    const services = await getJson(`${url}/hsds/services?per_page=5`);
    check(page(serviceList), services, '/hsds/services (service_list)');
    for (const s of services.contents) check(service, s, `a /hsds/services item in full: ${s.name}`);
    assert.equal(services.total_items, 10);
    assert.equal(services.total_pages, 2);
    const last = await getJson(`${url}/hsds/services?per_page=5&page=2`);
    check(page(serviceList), last, '/hsds/services page 2');
    assert.equal(last.last_page, true);

    const serenity = services.contents.find((s) => s.name === 'Serenity Group')
      ?? last.contents.find((s) => s.name === 'Serenity Group');
    check(service, await getJson(`${url}/hsds/services/${serenity.id}`), '/hsds/services/{id}');
    assert.ok(serenity.schedules.some((s) => s.freq === 'WEEKLY' && s.byday === 'TH' && s.opens_at === '19:30'));

    const orgs = await getJson(`${url}/hsds/organizations`);
    check(page(organizationList), orgs, '/hsds/organizations');
    const org = orgs.contents.find((o) => o.name === 'District Five Intergroup');
    const full = await getJson(`${url}/hsds/organizations/${org.id}`);
    check(organization, full, '/hsds/organizations/{id}');
    assert.deepEqual(full.services.map((s) => s.name), ['Serenity Group']);

    const sals = await getJson(`${url}/hsds/service_at_locations?per_page=100`);
    check(page(salList), sals, '/hsds/service_at_locations');
    const near = await getJson(`${url}/hsds/service_at_locations?postcode=19063&proximity=5000`);
    check(page(salList), near, '/hsds/service_at_locations?postcode&proximity');
    assert.ok(near.contents.some((s) => s.service.name === 'Serenity Group'));

    const terms = await getJson(`${url}/hsds/taxonomy_terms`);
    check(page(term), terms, '/hsds/taxonomy_terms');
    const alcohol = terms.contents.find((t) => t.code === 'alcohol');
    const tagged = await getJson(`${url}/hsds/services?taxonomy_term_id=${alcohol.id}&per_page=100`);
    check(page(serviceList), tagged, '/hsds/services?taxonomy_term_id');
    assert.equal(tagged.total_items, 10);
    check(page(taxonomy), await getJson(`${url}/hsds/taxonomies`), '/hsds/taxonomies');

    const lines = await (await fetch(`${url}/hsds/services?format=ndjson`)).text();
    const items = lines.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(items.length, 10);
    for (const s of items) check(service, s, 'a format=ndjson line');
  });
});
