// Fan-out under load (BENCHMARKS.md, "Fan-out"): the release binary on a temp store with one
// local Meeting Guide source, N subscribers over graphql-transport-ws (Node 20's WebSocket,
// run with --experimental-websocket), then an import that adds E new groups while a probe
// sends the frontend's query every 10 ms; prints the query latencies and the deliveries.
// Not part of CI.  node --experimental-websocket bench/fanout/run.mjs [subscribers] [events]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const subscribers = Number(process.argv[2] ?? 2000);
const events = Number(process.argv[3] ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'supportmesh-fanout-'));
const rows = JSON.parse(readFileSync(join(root, 'tests/fixtures/sepa-sample.json'), 'utf8'));
const feed = join(dir, 'feed.json');
writeFileSync(feed, JSON.stringify(rows));
const config = join(dir, 'supportmesh.toml');
writeFileSync(config, `[store]\npath = "${join(dir, 'store')}"\n[server]\nmax_connections = ${subscribers + 100}\n` +
  `[[sources]]\nid = "sepa"\nformat = "meeting_guide"\nurl = "${feed}"\nschedule = "0 0 3 * * *"\n` +
  `[sources.defaults]\ntimezone = "America/New_York"\ncountry = "US"\ntopics = ["alcohol"]\n`);
const token = 'fanout-token';
const child = spawn(join(root, 'target/release/supportmesh'), ['serve', '--config', config, '--listen', '127.0.0.1:0'], {
  env: { ...process.env, RUST_LOG: 'warn,supportmesh=info', SUPPORTMESH_OPERATOR_TOKEN: token },
  stdio: ['ignore', 'ignore', 'pipe'],
});
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

let delivered = 0;
const sockets = [];
for (let i = 0; i < subscribers; i++) {
  const ws = new WebSocket(`ws://${base}/graphql`, 'graphql-transport-ws');
  await new Promise((r) => ws.addEventListener('open', r, { once: true }));
  ws.addEventListener('message', (m) => {
    const msg = JSON.parse(m.data);
    if (msg.type === 'connection_ack') {
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { groupAdded { id name meetings { weekday startTime } } }' } }));
    } else if (msg.type === 'next') delivered++;
  });
  ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  sockets.push(ws);
}
await new Promise((r) => setTimeout(r, 2000));

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
const added = Array.from({ length: events }, (_, i) => ({
  name: `Fanout Group ${i}`, slug: `fanout-${i}`, day: i % 7, time: '19:00',
  formatted_address: `${100 + i} Fanout Street, Media, PA 19063, USA`, latitude: 39.9 + i * 0.01, longitude: -75.38,
}));
writeFileSync(feed, JSON.stringify([...rows, ...added]));
const started = performance.now();
const run = await post({ query: 'mutation { runImport(sourceId: "sepa") { outcome counts { added } } }' }, true);
const want = subscribers * events;
while (delivered < want && performance.now() - started < 120_000) await new Promise((r) => setTimeout(r, 50));
const fanoutMs = performance.now() - started;
await new Promise((r) => setTimeout(r, 500));
probing = false;
await probe;
const sorted = [...latencies].sort((a, b) => a - b);
const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
console.log(JSON.stringify(run.data?.runImport ?? run));
console.log(`subscribers ${subscribers}, events ${events}: delivered ${delivered} of ${want} in ${fanoutMs.toFixed(0)} ms`);
console.log(`probe queries during the fan-out: ${sorted.length}, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${sorted.at(-1).toFixed(1)} ms`);
for (const ws of sockets) ws.close();
child.kill('SIGTERM');
await new Promise((r) => child.once('close', r));
rmSync(dir, { recursive: true, force: true });
