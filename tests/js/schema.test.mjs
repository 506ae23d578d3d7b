// The committed SDL as graphql-js (the reference implementation every JavaScript client and
// codegen tool builds on) reads it, and the README's examples validated against it, so a
// frontend developer can paste them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';

const root = new URL('../../', import.meta.url);
const sdl = readFileSync(new URL('schema/schema.graphql', root), 'utf8');

test('schema/schema.graphql builds with graphql-js and has every root type', () => {
  const schema = buildSchema(sdl);
  assert.equal(schema.getQueryType()?.name, 'Query');
  assert.equal(schema.getMutationType()?.name, 'Mutation');
  assert.equal(schema.getSubscriptionType()?.name, 'Subscription');
  for (const field of ['groups', 'group', 'upcoming', 'places', 'sources']) {
    assert.ok(schema.getQueryType().getFields()[field], `Query.${field}`);
  }
});

test('every GraphQL example in the README is valid against the schema', () => {
  const schema = buildSchema(sdl);
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 5, `found ${blocks.length} examples`);
  for (const block of blocks) {
    const errors = validate(schema, parse(block));
    assert.deepEqual(errors.map((e) => e.message), [], `README example:\n${block}`);
  }
});
