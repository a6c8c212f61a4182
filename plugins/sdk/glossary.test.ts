import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DubarrError } from './errors.js';
import { compileGlossary, jobGlossary, mergeGlossaries } from './glossary.js';

test('protect: case-insensitive whole words, longest term first, kept terms keep their source spelling', () => {
  const g = compileGlossary([
    { term: 'New York' },
    { term: 'new york city', translation: 'Nueva York' },
    { term: 'Dubarr' },
    { term: 'C++', translation: 'C más más' },
  ]);
  const p = g.protect('I love NEW YORK city, new\nyork and DUBARR; Dubarrs and undubarr stay; C++ too.');
  assert.equal(p.text, 'I love ⟦0⟧, ⟦1⟧ and ⟦2⟧; Dubarrs and undubarr stay; ⟦3⟧ too.');
  assert.deepEqual(p.replacements, ['Nueva York', 'new\nyork', 'DUBARR', 'C más más']);
});

test('restore: placeholders back to terms, tolerant of spacing, lost ones reported', () => {
  const g = compileGlossary([{ term: 'Ana' }, { term: 'Bob', translation: 'Roberto' }]);
  const p = g.protect('Ana met Bob.');
  assert.deepEqual(g.restore('⟦ 0 ⟧ conoció a ⟦1⟧.', p), { text: 'Ana conoció a Roberto.', missing: [] });
  assert.deepEqual(g.restore('Conoció a ⟦1⟧ y ⟦7⟧.', p), { text: 'Conoció a Roberto y ⟦7⟧.', missing: [0] });
});

test('an empty glossary leaves text alone', () => {
  const g = compileGlossary([]);
  const p = g.protect('Nothing ⟦0⟧ here');
  assert.deepEqual(p, { text: 'Nothing ⟦0⟧ here', replacements: [] });
  assert.equal(g.restore('Nada ⟦0⟧', p).text, 'Nada ⟦0⟧');
});

test('merge: job entries replace plugin entries for the same term', () => {
  const merged = mergeGlossaries([{ term: 'Bob' }, { term: 'Ana' }], [{ term: 'bob', translation: 'Roberto' }]);
  assert.deepEqual(merged, [{ term: 'bob', translation: 'Roberto' }, { term: 'Ana' }]);
});

test('jobGlossary validates params.glossary', () => {
  assert.deepEqual(jobGlossary({}), []);
  assert.deepEqual(jobGlossary({ glossary: [{ term: ' X ' }] }), [{ term: 'X' }]);
  assert.throws(() => jobGlossary({ glossary: [{ term: '' }] }), (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT');
  assert.throws(() => jobGlossary({ glossary: 'Bob' }), (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT');
});
