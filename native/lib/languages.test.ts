import { it } from 'node:test';
import assert from 'node:assert/strict';
import { languageAliases, toIso639_2B } from './languages.js';

it('writes ISO 639-2/B and matches both B and T forms', () => {
  assert.equal(toIso639_2B('deu', 'x'), 'ger');
  assert.equal(toIso639_2B('FRA', 'x'), 'fre');
  assert.equal(toIso639_2B('spa', 'x'), 'spa');
  assert.deepEqual(languageAliases('ger'), ['ger', 'deu']);
  assert.deepEqual(languageAliases('zho'), ['chi', 'zho']);
  assert.deepEqual(languageAliases('eng'), ['eng']);
  for (const bad of ['en', 'english', '', 'e1g', 42]) {
    assert.throws(() => toIso639_2B(bad, 'language'), { code: 'E_INVALID_ARGUMENT' });
  }
});
