// A plain Apollo Server peer for bench/run.sh: the subset of supportmesh's schema that the
// frontend's main query reads, over every group held in memory, found near a point through a
// 0.1-degree grid, with the same rules as supportmesh's finder (ACTIVE groups with an exact
// in-person point; nearest first, then id; facets count each field over the other filters).
//
//   node server.mjs --port 18083 --groups export.jsonl   # `supportmesh export` JSON lines
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};

const typeDefs = `#graphql
  enum Topic { MENTAL_HEALTH DEPRESSION ANXIETY BIPOLAR PSYCHOSIS OCD PTSD EATING_DISORDERS BPD
    SELF_HARM SUICIDE ADDICTION ALCOHOL DRUGS GAMBLING BEREAVEMENT CARING FAMILY_AND_FRIENDS }
  enum Weekday { MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY }
  input GroupFilter { topics: [Topic!] weekdays: [Weekday!] }
  input NearInput { latitude: Float! longitude: Float! radiusKm: Float! }
  type Meeting { weekday: Weekday startTime: String }
  type Location { formatted: String latitude: Float longitude: Float }
  type Group { id: ID! name: String! meetings: [Meeting!]! location: Location }
  type GroupEdge { distanceKm: Float node: Group! }
  type FacetCount { value: String! count: Int! }
  type Facets { topics: [FacetCount!]! weekdays: [FacetCount!]! }
  type GroupConnection { totalCount: Int! edges: [GroupEdge!]! facets: Facets }
  type Query { groups(filter: GroupFilter, near: NearInput!, first: Int = 20): GroupConnection! }
`;

const CELL = 0.1;
const R = 6371.0088;
const rad = (d) => (d * Math.PI) / 180;
const haversine = (lat1, lon1, lat2, lon2) => {
  const p1 = rad(lat1), p2 = rad(lat2), dp = p2 - p1, dl = rad(lon2 - lon1);
  const a = Math.sin(dp / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  return 2 * R * Math.asin(Math.min(Math.sqrt(a), 1));
};
const cellKey = (r, c) => r * 4000 + c;

// Load: one group per line as `supportmesh export` writes it (the API's public shape),
// reduced to what the query reads.
const groups = [];
const grid = new Map();
for (const line of readFileSync(arg('--groups', 'export.jsonl'), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const g = JSON.parse(line);
  if (g.status !== 'ACTIVE') continue;
  const loc = g.location;
  const item = {
    id: g.id,
    name: g.name,
    meetings: g.meetings.map((m) => ({ weekday: m.weekday ?? null, startTime: m.startTime ?? null })),
    location: loc ? { formatted: loc.formatted ?? null, latitude: loc.latitude ?? null, longitude: loc.longitude ?? null } : null,
    topics: [...new Set(g.topics ?? [])],
    weekdays: [...new Set(g.meetings.filter((m) => m.weekday).map((m) => m.weekday))],
  };
  groups.push(item);
  const placed = loc && !loc.approximate && g.attendance !== 'ONLINE' && loc.latitude != null && loc.longitude != null;
  if (placed) {
    const key = cellKey(Math.floor((loc.latitude + 90) / CELL), Math.floor((loc.longitude + 180) / CELL));
    if (!grid.has(key)) grid.set(key, []);
    grid.get(key).push(item);
  }
}

function within(lat, lon, km) {
  const dlat = km / R * 180 / Math.PI;
  const dlon = Math.asin(Math.min(1, Math.sin(km / R) / Math.cos(rad(lat)))) * 180 / Math.PI;
  const out = [];
  for (let r = Math.floor((lat - dlat + 90) / CELL); r <= Math.floor((lat + dlat + 90) / CELL); r++) {
    for (let c = Math.floor((lon - dlon + 180) / CELL); c <= Math.floor((lon + dlon + 180) / CELL); c++) {
      for (const g of grid.get(cellKey(r, c)) ?? []) {
        const d = haversine(lat, lon, g.location.latitude, g.location.longitude);
        if (d <= km) out.push({ g, d });
      }
    }
  }
  return out;
}

const anyOf = (have, wanted) => !wanted || wanted.length === 0 || wanted.some((w) => have.includes(w));
const count = (hits, field) => {
  const n = new Map();
  for (const { g } of hits) for (const v of g[field]) n.set(v, (n.get(v) ?? 0) + 1);
  return [...n].map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
};

const resolvers = {
  Query: {
    groups(_, { filter, near, first }) {
      const base = within(near.latitude, near.longitude, near.radiusKm);
      const topics = filter?.topics, weekdays = filter?.weekdays;
      const hits = base.filter(({ g }) => anyOf(g.topics, topics) && anyOf(g.weekdays, weekdays));
      hits.sort((a, b) => a.d - b.d || (a.g.id < b.g.id ? -1 : a.g.id > b.g.id ? 1 : 0));
      const facets = () => ({
        topics: count(base.filter(({ g }) => anyOf(g.weekdays, weekdays)), 'topics'),
        weekdays: count(base.filter(({ g }) => anyOf(g.topics, topics)), 'weekdays'),
      });
      return {
        totalCount: hits.length,
        edges: hits.slice(0, Math.min(first ?? 20, 100)).map(({ g, d }) => ({ distanceKm: d, node: g })),
        facets,
      };
    },
  },
};

const server = new ApolloServer({ typeDefs, resolvers });
const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: Number(arg('--port', 18083)) } });
console.error(`apollo peer: ${groups.length} groups, ${grid.size} cells, on ${url}`);
