// Apollo Federation v2 composition, as a supergraph's build runs it: our subgraph SDL
// (schema/subgraph.graphql, what `_service { sdl }` answers) composed next to another
// subgraph that extends `Group`. The supergraph must carry our root fields and the entity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

const root = new URL('../../', import.meta.url);
const ours = readFileSync(new URL('schema/subgraph.graphql', root), 'utf8');

const reviews = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Group @key(fields: "id") {
    id: ID!
    rating: Float
  }
  type Query {
    topRated: [Group!]!
  }
`;

test('our subgraph composes with another into a supergraph that has our root fields', () => {
  const result = composeServices([
    { name: 'supportmesh', url: 'http://supportmesh.invalid/graphql', typeDefs: parse(ours) },
    { name: 'reviews', url: 'http://reviews.invalid/graphql', typeDefs: parse(reviews) },
  ]);
  assert.deepEqual((result.errors ?? []).map((e) => e.message), []);
  const query = result.schema.toAPISchema().toGraphQLJSSchema().getQueryType();
  for (const field of ['groups', 'group', 'upcoming', 'places', 'topics', 'sources', 'topRated']) {
    assert.ok(query.getFields()[field], `the supergraph's Query has ${field}`);
  }
  const group = result.schema.toAPISchema().toGraphQLJSSchema().getType('Group');
  assert.ok(group.getFields().rating && group.getFields().meetings, 'Group joins both subgraphs');
});
