// Our service behind a real Apollo Gateway, as a supergraph runs it: the running binary (a
// small feed imported at startup) and a second subgraph in Node ("reviews", @apollo/subgraph)
// that contributes `reviews` to our `Group` entity by `@key(fields: "id")` and has a root
// field returning groups by reference. The gateway composes both with IntrospectAndCompose
// (each subgraph's `_service { sdl }`); a query planned across both must return our fields
// with theirs, and their references to our groups must resolve through our `_entities`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { feedCopy, meetingGuideSource, post, startService, untilReady } from './server.mjs';

const reviewsSdl = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Group @key(fields: "id") {
    id: ID!
    reviews: [Review!]!
  }
  type Review {
    stars: Int!
    text: String!
    group: Group!
  }
  type Query {
    topReviews: [Review!]!
  }
`);

// What the reviews subgraph says about a group: it knows ids only, never names.
const reviewsOf = (id) => [{ stars: 5, text: `welcoming (${id})`, group: { id } }];

async function startReviews(topIds) {
  const server = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: reviewsSdl,
      resolvers: {
        Query: { topReviews: () => topIds.flatMap(reviewsOf) },
        Group: { __resolveReference: (ref) => ({ id: ref.id }), reviews: (group) => reviewsOf(group.id) },
      },
    }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}

async function startGateway(subgraphs) {
  const gateway = new ApolloGateway({ supergraphSdl: new IntrospectAndCompose({ subgraphs }) });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}

async function gatewayQuery(url, query) {
  const resp = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return resp.json();
}

test('a query planned across our subgraph and another returns both, and their group references resolve through us', async () => {
  const feed = feedCopy('sepa-small.json');
  const service = await startService(meetingGuideSource('sepa', feed.path));
  let reviews;
  let gateway;
  try {
    await untilReady(service.url);
    const direct = await post(service.url, { query: '{ groups(first: 3, sort: NAME) { edges { node { id name } } } }' });
    const ours = direct.data.groups.edges.map((e) => e.node);
    assert.equal(ours.length, 3, 'the feed was imported');
    reviews = await startReviews([ours[2].id, ours[0].id]);
    gateway = await startGateway([
      { name: 'supportmesh', url: `${service.url}/graphql` },
      { name: 'reviews', url: reviews.url },
    ]);

    const across = await gatewayQuery(
      gateway.url,
      '{ groups(first: 3, sort: NAME) { edges { node { id name reviews { stars text } } } } }',
    );
    const top = await gatewayQuery(gateway.url, '{ topReviews { stars group { id name } } }');

    assert.deepEqual(across.errors ?? [], []);
    assert.deepEqual(
      across.data.groups.edges.map((e) => e.node),
      ours.map((g) => ({ ...g, reviews: reviewsOf(g.id).map(({ stars, text }) => ({ stars, text })) })),
    );
    assert.deepEqual(top.errors ?? [], []);
    assert.deepEqual(top.data.topReviews, [
      { stars: 5, group: { id: ours[2].id, name: ours[2].name } },
      { stars: 5, group: { id: ours[0].id, name: ours[0].name } },
    ]);
  } finally {
    await gateway?.stop();
    await reviews?.stop();
    await service.stop();
    feed.remove();
  }
});
