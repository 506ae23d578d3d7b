// Subscriptions over HTTP with the `graphql-sse` client (distinct connections mode), against
// the running service: an event after an import, a query as one result, and an operation
// that does not validate rejected by the client (the server answers 400 with the errors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'graphql-sse';
import { NEW_GROUP, startLive } from './live.mjs';

function client(live, on = {}) {
  return createClient({ url: `${live.url}/graphql`, retryAttempts: 0, on });
}

test('a groupAdded subscription over SSE receives the group an import adds', async () => {
  const live = await startLive();
  let connected;
  const listening = new Promise((resolve) => (connected = resolve));
  // The response (and so `connected`) starts once the subscription listens.
  const sse = client(live, { connected: () => connected() });
  try {
    const events = sse.iterate({ query: 'subscription { groupAdded { name } }' });
    const first = events.next();
    await listening;

    await live.addGroupAndImport();

    const { value } = await first;
    assert.deepEqual(value, { data: { groupAdded: { name: NEW_GROUP } } });
    await events.return();
  } finally {
    sse.dispose();
    await live.stop();
  }
});

test('a query over SSE is one result, then the stream completes', async () => {
  const live = await startLive();
  const sse = client(live);
  try {
    const results = [];
    for await (const result of sse.iterate({ query: '{ groups(first: 1) { totalCount } }' })) results.push(result);

    assert.equal(results.length, 1);
    assert.ok(results[0].data.groups.totalCount > 0, JSON.stringify(results));
  } finally {
    sse.dispose();
    await live.stop();
  }
});

test('a subscription that does not validate is rejected, with the errors in the 400 answer', async () => {
  const live = await startLive();
  const sse = client(live);
  const query = 'subscription { groupAdded { nope } }';
  try {
    const events = sse.iterate({ query });
    // What the client reads of it (it aborts the response once it rejects) ...
    await assert.rejects(events.next(), (err) => {
      assert.equal(err.response?.status, 400, String(err));
      return true;
    });
    // ... and the answer itself.
    const resp = await fetch(`${live.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query }),
    });
    assert.equal(resp.status, 400);
    assert.match(resp.headers.get('content-type'), /^application\/json/);
    assert.match((await resp.json()).errors[0].message, /nope/);
  } finally {
    sse.dispose();
    await live.stop();
  }
});
