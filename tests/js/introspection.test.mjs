// Standard introspection as GraphiQL, codegen and IDEs send it (graphql-js
// `getIntrospectionQuery()`), against the running service: it must be answered, and the
// schema it describes must be the committed one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildClientSchema, buildSchema, getIntrospectionQuery, printSchema } from 'graphql';
import { startService, post } from './server.mjs';

test('getIntrospectionQuery() is answered and describes the committed schema', async () => {
  const service = await startService();
  try {
    const body = await post(service.url, { query: getIntrospectionQuery({ descriptions: true }) });
    assert.deepEqual(body.errors ?? [], []);
    const served = buildClientSchema(body.data);
    const committed = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
    assert.equal(printSchema(served), printSchema(committed));
  } finally {
    await service.stop();
  }
});
