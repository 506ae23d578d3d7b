// Fan-out under load (BENCHMARKS.md, "Fan-out"): the release binary, N subscribers over
// graphql-transport-ws (Node 20's WebSocket, run with --experimental-websocket) with mixed
// filters, then an import that adds E new groups while a probe sends a query every 10 ms.
// Prints how long the deliveries took (from the import's start and from its first delivery,
// p50/p99/max over every delivery), whether each subscriber got exactly the new groups its
// filter matches, the probe's latencies and the server's RSS.
// Not part of CI.
//
//   node --experimental-websocket bench/fanout/run.mjs [subscribers] [events]
//
// Subscriber i asks for `groupAdded` near the point of new group i % E (radius 3 km: the new
// groups stand 1.1 km apart, so about five match each) or, one in ten, for every new group of
// its topic (ALCOHOL: all of them). By default the service runs on a temp store with the
// scrubbed SE Pennsylvania sample; with FANOUT_CONFIG (a config whose store is already
// imported), FANOUT_SOURCE (a source of it) and FANOUT_FEED (that source's feed file, which the
// bench rewrites and restores), it runs on that store instead, e.g. the query bench's 100k groups.
// FANOUT_BIN runs another binary than target/release/supportmesh (the code before, say);
// FANOUT_ROUND (below) lets runs follow each other on one store.
// FANOUT_RADIUS (km, 3) and FANOUT_EVERY (one subscriber in this many asks for every group of
// its topic; 10, 0 for none) set the mix: FANOUT_RADIUS=0.5 FANOUT_EVERY=0 is 10,000 people
// watching their own towns, each matched by one new group.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const subscribers = Number(process.argv[2] ?? 2000);
const events = Number(process.argv[3] ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'supportmesh-fanout-'));
let config = process.env.FANOUT_CONFIG;
const source = process.env.FANOUT_SOURCE ?? 'sepa';
const feed = process.env.FANOUT_FEED ?? join(dir, 'feed.json');
const original = config ? readFileSync(feed) : null;
const rows = config ? JSON.parse(original) : JSON.parse(readFileSync(join(root, 'tests/fixtures/sepa-sample.json'), 'utf8'));
if (!config) {
  writeFileSync(feed, JSON.stringify(rows));
  config = join(dir, 'supportmesh.toml');
  writeFileSync(config, `[store]\npath = "${join(dir, 'store')}"\n` +
    `[[sources]]\nid = "sepa"\nformat = "meeting_guide"\nurl = "${feed}"\nschedule = "0 0 3 * * *"\n` +
    `[sources.defaults]\ntimezone = "America/New_York"\ncountry = "US"\ntopics = ["alcohol"]\n`);
}
const token = 'fanout-token';
const child = spawn(process.env.FANOUT_BIN ?? join(root, 'target/release/supportmesh'), ['serve', '--config', config, '--listen', '127.0.0.1:0'], {
  env: {
    ...process.env, RUST_LOG: 'warn,supportmesh=info', SUPPORTMESH_OPERATOR_TOKEN: token,
    SUPPORTMESH_SERVER_MAX_CONNECTIONS: String(subscribers + 100), SUPPORTMESH_SERVER_RESPONSE_CACHE: 'false',
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
const rss = (field) => Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))[1]) / 1024;
const base = await new Promise((resolve) => {
  let seen = '';
  child.stderr.on('data', (c) => {
    seen += c.toString().replace(/\x1b\[[0-9;]*m/g, '');
    const m = seen.match(/addr=(127\.0\.0\.1:\d+)/);
    if (m) resolve(m[1]);
  });
});
const post = (body, auth) => fetch(`http://${base}/graphql`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
}).then((r) => r.json());
for (let i = 0; i < 600 && (await fetch(`http://${base}/readyz`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
const groupsBefore = (await post({ query: '{ groups(first: 0) { totalCount } }' })).data.groups.totalCount;
const rssIdle = rss('VmRSS');

// The new groups: a row of points 0.01 degrees (1.1 km) apart, north of the first listing;
// FANOUT_ROUND=n puts the row 1.5n degrees further north, with other names, so that a run on a
// store a run before it added to adds new groups again.
const round = Number(process.env.FANOUT_ROUND ?? 0);
if (!Number.isInteger(round) || round < 0) throw new Error(`FANOUT_ROUND must be a whole number, not ${process.env.FANOUT_ROUND}`);
const lat0 = Number(rows.find((r) => r.latitude)?.latitude ?? 39.9) + 0.5 + 1.5 * round;
const lon0 = Number(rows.find((r) => r.longitude)?.longitude ?? -75.38);
const label = round ? `${round}-` : '';
const added = Array.from({ length: events }, (_, i) => ({
  name: `Fanout Group ${label}${i}`, slug: `fanout-${label}${i}`, day: i % 7, time: '19:00',
  formatted_address: `${100 + i} Fanout Street, Fanout Town, PA 19063, USA`, latitude: lat0 + i * 0.01, longitude: lon0,
}));
const km = (a, b, c, d) => {
  const r = (x) => (x * Math.PI) / 180;
  const h = Math.sin(r(c - a) / 2) ** 2 + Math.cos(r(a)) * Math.cos(r(c)) * Math.sin(r(d - b) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
};
const RADIUS = Number(process.env.FANOUT_RADIUS ?? 3);
const EVERY = Number(process.env.FANOUT_EVERY ?? 10);

const arrivals = [];
const got = new Array(subscribers).fill(0);
const want = new Array(subscribers).fill(0);
const sockets = [];
for (let i = 0; i < subscribers; i++) {
  const everything = EVERY > 0 && i % EVERY === EVERY - 1;
  const at = added[i % events];
  const args = everything
    ? 'filter: { topics: [ALCOHOL] }'
    : `near: { latitude: ${at.latitude}, longitude: ${at.longitude}, radiusKm: ${RADIUS} }`;
  want[i] = everything ? events : added.filter((g) => km(at.latitude, at.longitude, g.latitude, g.longitude) <= RADIUS).length;
  const ws = new WebSocket(`ws://${base}/graphql`, 'graphql-transport-ws');
  await new Promise((r) => ws.addEventListener('open', r, { once: true }));
  ws.addEventListener('message', (m) => {
    const msg = JSON.parse(m.data);
    if (msg.type === 'connection_ack') {
      const query = `subscription { groupAdded(${args}) { id name meetings { weekday startTime } } }`;
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    } else if (msg.type === 'next') {
      arrivals.push(performance.now());
      got[i]++;
    }
  });
  ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  sockets.push(ws);
}
await new Promise((r) => setTimeout(r, 2000));
const rssSubscribed = rss('VmRSS');

// The probe: a query every 10 ms (distinct each time, so no kept answer serves it).
const latencies = [];
let probing = true;
const probe = (async () => {
  for (let n = 0; probing; n++) {
    const t = performance.now();
    await post({ query: `{ groups(first: 20, filter: { text: "${['group', 'meeting', 'step', 'hope'][n % 4]}" }) { totalCount edges { node { id name } } } } # ${n}` });
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 10));
  }
})();
writeFileSync(feed, JSON.stringify([...rows, ...added]));
const started = performance.now();
const run = await post({ query: `mutation { runImport(sourceId: "${source}") { outcome counts { added } } }` }, true);
const committed = performance.now();
const total = want.reduce((a, b) => a + b, 0);
while (arrivals.length < total && performance.now() - started < 120_000) await new Promise((r) => setTimeout(r, 20));
await new Promise((r) => setTimeout(r, 500));
probing = false;
await probe;

const pct = (values, p) => values[Math.min(values.length - 1, Math.floor(p * values.length))];
const fmt = (v) => (v === undefined ? 'n/a' : v.toFixed(1));
const spread = arrivals.map((t) => t - arrivals[0]).sort((a, b) => a - b);
const sinceStart = arrivals.map((t) => t - started).sort((a, b) => a - b);
const sorted = [...latencies].sort((a, b) => a - b);
const wrong = got.filter((n, i) => n !== want[i]).length;
console.log(JSON.stringify(run.data?.runImport ?? run));
console.log(`store: ${groupsBefore} groups before the import; ${subscribers} subscribers, ${events} new groups`);
console.log(`import: mutation returned after ${fmt(committed - started)} ms`);
console.log(`deliveries: ${arrivals.length} of ${total} expected; subscribers with a wrong count: ${wrong}`);
console.log(`from the import's start: first ${fmt(sinceStart[0])} ms, p50 ${fmt(pct(sinceStart, 0.5))} ms, p99 ${fmt(pct(sinceStart, 0.99))} ms, last ${fmt(sinceStart.at(-1))} ms`);
console.log(`from the first delivery: p50 ${fmt(pct(spread, 0.5))} ms, p99 ${fmt(pct(spread, 0.99))} ms, last ${fmt(spread.at(-1))} ms`);
console.log(`probe queries during the fan-out: ${sorted.length}, p50 ${fmt(pct(sorted, 0.5))} ms, p99 ${fmt(pct(sorted, 0.99))} ms, max ${fmt(sorted.at(-1))} ms`);
console.log(`server RSS: ${rssIdle.toFixed(0)} MB before subscribing, ${rssSubscribed.toFixed(0)} MB with ${subscribers} subscribers, peak ${rss('VmHWM').toFixed(0)} MB`);
for (const ws of sockets) ws.close();
if (original) writeFileSync(feed, original);
child.kill('SIGTERM');
await new Promise((r) => child.once('close', r));
rmSync(dir, { recursive: true, force: true });
