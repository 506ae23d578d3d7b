// The search itself: one `groups` query with facet counts, or for "starting in the next few
// hours" the `upcoming` meetings with the same facet counts; and the next page.

export const PAGE = 20;
export const SOON_HOURS = 3;

// What a result card shows of a group (list.js, map.js).
export const CARD = `
fragment Card on Group {
  id name kind topics attendance
  location { name formatted locality latitude longitude approximate }
  online { url }
  meetings { weekday startTime timezone next { startsAt localStart timezone inProgress } }
}`;

const FACETS = `
facets {
  topics { value count } kinds { value count } attendance { value count }
  weekdays { value count } timeOfDay { value count }
}`;

const FIND = `
query Find($filter: GroupFilter, $near: NearInput, $sort: GroupSort, $first: Int!, $after: String) {
  groups(filter: $filter, near: $near, sort: $sort, first: $first, after: $after) {
    totalCount
    edges { distanceKm node { ...Card } }
    pageInfo { hasNextPage endCursor }
    ${FACETS}
  }
}
${CARD}`;

const SOON = `
query Soon($filter: GroupFilter, $near: NearInput, $first: Int!, $hours: Int!) {
  groups(filter: $filter, near: $near, first: 1) { ${FACETS} }
  upcoming(filter: $filter, near: $near, withinHours: $hours, first: $first) {
    edges { distanceKm node { occurrence { startsAt localStart timezone inProgress } group { ...Card } } }
  }
}
${CARD}`;

// { total, items: [{ group, distanceKm, occurrence? }], facets, endCursor, hasNextPage, soon }.
// In "soon" mode, items are the groups with a meeting starting within SOON_HOURS (each once,
// soonest first) and `total` counts those; facets always count groups.
export async function find(gql, filter, near, after = null, soon = false) {
  if (!soon) {
    const sort = near ? 'DISTANCE' : 'NEXT_MEETING';
    const { groups } = await gql(FIND, { filter, near, sort, after, first: PAGE });
    return {
      soon, total: groups.totalCount, facets: groups.facets,
      items: groups.edges.map((e) => ({ group: e.node, distanceKm: e.distanceKm })),
      hasNextPage: groups.pageInfo.hasNextPage, endCursor: groups.pageInfo.endCursor,
    };
  }
  const { groups, upcoming } = await gql(SOON, { filter, near, first: PAGE, hours: SOON_HOURS });
  const seen = new Set();
  const items = [];
  for (const e of upcoming.edges) {
    if (seen.has(e.node.group.id)) continue;
    seen.add(e.node.group.id);
    items.push({ group: e.node.group, distanceKm: e.distanceKm, occurrence: e.node.occurrence });
  }
  return { soon, total: items.length, facets: groups.facets, items, hasNextPage: false, endCursor: null };
}
