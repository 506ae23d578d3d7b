// Subscriptions over WebSocket with the `graphql-ws` client (graphql-transport-ws), against
// the running service: an event after an import, and an operation that does not validate
// arriving as an `error` message, so the client rejects it (not as a `next` with errors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { NEW_GROUP, startLive } from './live.mjs';

function client(live) {
  return createClient({ url: `${live.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
}

test('a groupAdded subscription receives the group an import adds', async () => {
  const live = await startLive();
  const ws = client(live);
  try {
    const events = ws.iterate({ query: 'subscription { groupAdded { name } }' });
    const first = events.next();
    // The server handles a connection's messages in order: once this query is answered, it
    // has taken the subscription.
    const typename = await ws.iterate({ query: '{ __typename }' }).next();
    assert.equal(typename.value.data.__typename, 'Query');

    await live.addGroupAndImport();

    const { value } = await first;
    assert.deepEqual(value, { data: { groupAdded: { name: NEW_GROUP } } });
    await events.return();
  } finally {
    await ws.dispose();
    await live.stop();
  }
});

test('a subscription that does not validate is rejected with the errors', async () => {
  const live = await startLive();
  const ws = client(live);
  try {
    // Each iterator's first `next()` is taken at once: graphql-ws's `iterate` (6.x) waits
    // forever if an operation's error arrives before its iterator is first read.
    const unknownField = ws.iterate({ query: 'subscription { groupAdded { nope } }' }).next();
    const badVariables = ws.iterate({
      query: 'subscription($k: [GroupKind!]) { groupAdded(filter: { kinds: $k }) { name } }',
      variables: { k: ['NOT_A_KIND'] },
    }).next();

    await assert.rejects(unknownField, (errors) => {
      assert.ok(Array.isArray(errors), `the error message's payload is the list of errors: ${errors}`);
      assert.match(errors[0].message, /nope/);
      return true;
    });
    await assert.rejects(badVariables, (errors) => {
      assert.match(errors[0].message, /NOT_A_KIND|k/);
      return true;
    });
  } finally {
    await ws.dispose();
    await live.stop();
  }
});
