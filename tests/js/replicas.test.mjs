// Two replicas behind a real Apollo Gateway, as a load balancer puts them: the same two
// sources, listed in opposite orders so each replica imports them in the other's order, and a
// round-robin proxy in front of both as the gateway's one subgraph. A paged query must read
// the same through the gateway (each page from the other replica) as from one replica alone,
// and an id from either replica must open the same group on the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import { feedCopy, meetingGuideSource, post, startService, untilReady } from './server.mjs';

// A round-robin HTTP proxy: request n goes to targets[n % targets.length].
async function roundRobin(targets) {
  let n = 0;
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const target = targets[n++ % targets.length];
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, stop: () => new Promise((r) => server.close(r)) };
}

const PAGE = `query($after: String) { groups(first: 2, after: $after) {
  totalCount edges { node { id name records { sourceId externalId } } } pageInfo { endCursor hasNextPage } } }`;

async function allPages(query) {
  const pages = [];
  let after = null;
  for (let i = 0; i < 20; i++) {
    const body = await query({ query: PAGE, variables: { after } });
    assert.deepEqual(body.errors ?? [], [], JSON.stringify(body.errors));
    pages.push(body.data.groups);
    if (!body.data.groups.pageInfo.hasNextPage) break;
    after = body.data.groups.pageInfo.endCursor;
  }
  return pages;
}

test('two replicas behind the gateway answer a paged query as one replica does', async () => {
  const a = feedCopy('sepa-small.json');
  const b = feedCopy('sepa-small.json');
  b.write(b.rows.map((r, i) => ({ ...r, slug: `republished-${i}` })));
  const sources = [meetingGuideSource('dir-a', a.path), meetingGuideSource('dir-b', b.path)];
  const one = await startService(sources.join(''));
  const two = await startService([...sources].reverse().join(''));
  const proxy = await roundRobin([one.url, two.url]);
  const gateway = new ApolloServer({
    gateway: new ApolloGateway({
      supergraphSdl: new IntrospectAndCompose({ subgraphs: [{ name: 'supportmesh', url: `${proxy.url}/graphql` }] }),
    }),
  });
  try {
    await Promise.all([untilReady(one.url), untilReady(two.url)]);
    const { url } = await startStandaloneServer(gateway, { listen: { port: 0, host: '127.0.0.1' } });
    const through = (body) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => r.json(),
      );

    const alone = await allPages((body) => post(one.url, body));
    const mixed = await allPages(through);

    assert.ok(alone.length >= 2, `several pages: ${alone.length}`);
    assert.ok(alone[0].totalCount < a.rows.length * 2, 'the two directories merged');
    assert.deepEqual(mixed, alone);
    for (const node of alone.flatMap((p) => p.edges.map((e) => e.node))) {
      const other = await post(two.url, { query: 'query($id: ID!) { group(id: $id) { id } }', variables: { id: node.id } });
      assert.equal(other.data.group?.id, node.id, `${node.id} opens on the other replica`);
    }
  } finally {
    await gateway.stop();
    await proxy.stop();
    await one.stop();
    await two.stop();
    a.remove();
    b.remove();
  }
});
