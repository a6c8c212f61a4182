import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphQLError } from 'graphql';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { maskError } from './errors.js';

const thrownBy = (e: Error) => new GraphQLError(e.message, { originalError: e, path: ['createJob'] });

test('a coded error passes unmasked, with its code and hint; its place in the result stays', () => {
  const e = maskError(thrownBy(new DubarrError('E_PATH_NOT_ALLOWED', 'path: /etc/passwd is outside the media roots')), 'Unexpected error.') as GraphQLError;
  assert.equal(e.message, 'path: /etc/passwd is outside the media roots');
  assert.deepEqual(e.extensions, { code: 'E_PATH_NOT_ALLOWED', hint: new DubarrError('E_PATH_NOT_ALLOWED', '').hint });
  assert.deepEqual(e.path, ['createJob']);
});

test('anything else is masked as E_INTERNAL: its message (which may name files) never reaches the client', () => {
  for (const original of [new Error("ENOENT: no such file, open '/var/lib/dubarr/secret.json'"), new DubarrError('E_INTERNAL', 'TypeError in /srv/x.js')]) {
    const e = maskError(thrownBy(original), 'Unexpected error.') as GraphQLError;
    assert.equal(e.message, 'Unexpected error.');
    assert.equal(e.extensions.code, 'E_INTERNAL');
    assert.ok(!JSON.stringify(e.toJSON()).includes('/'), JSON.stringify(e.toJSON()));
    assert.deepEqual(e.path, ['createJob']);
  }
});

test("GraphQL's own errors (syntax, validation, variables) keep their messages", () => {
  const own = new GraphQLError('Cannot query field "nope" on type "Query".');
  assert.equal(maskError(own, 'Unexpected error.'), own);
});
