// Checks the Apollo peer's answers against supportmesh's for bench/run.sh: per request, the
// same totalCount, the same group ids in the same order, distances within 1e-6 km, and the
// same facet counts. Exits 1 and names the first differences otherwise.
//
//   node compare.mjs supportmesh-answers.jsonl apollo-answers.jsonl
import { readFileSync } from 'node:fs';

const read = (f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).data.groups);
const [ours, theirs] = [read(process.argv[2]), read(process.argv[3])];
const problems = [];
ours.forEach((a, i) => {
  const b = theirs[i];
  const say = (what) => problems.push(`request ${i + 1}: ${what}`);
  if (!b) return say('no answer');
  if (a.totalCount !== b.totalCount) say(`totalCount ${a.totalCount} vs ${b.totalCount}`);
  const ids = (c) => c.edges.map((e) => e.node.id).join(',');
  if (ids(a) !== ids(b)) say('different groups or order');
  a.edges.forEach((e, j) => {
    const d = b.edges[j]?.distanceKm;
    if (d === undefined || Math.abs(e.distanceKm - d) > 1e-6) say(`edge ${j} distance ${e.distanceKm} vs ${d}`);
    if (JSON.stringify(e.node) !== JSON.stringify(b.edges[j]?.node)) say(`edge ${j} node differs`);
  });
  if (JSON.stringify(a.facets) !== JSON.stringify(b.facets)) say('facets differ');
});
if (problems.length) {
  console.error(problems.slice(0, 10).join('\n'));
  process.exit(1);
}
const hits = ours.map((a) => a.totalCount);
console.log(`answers agree on ${ours.length} requests (totalCount ${Math.min(...hits)}..${Math.max(...hits)})`);
