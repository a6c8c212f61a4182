import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DubarrError } from '../sdk/index.js';
import { joinParagraphs, splitParagraphs, stripUnknownMarks } from './batch-text.js';

test('paragraphs: joined with blank lines, split back 1:1 even when one comes back empty', () => {
  assert.equal(joinParagraphs(['Hello\nworld ', ' Bye']), 'Hello world\n\nBye\n');
  assert.deepEqual(splitParagraphs(' Hola mundo\n\n\n\nAdiós\n', 3), ['Hola mundo', '', 'Adiós']);
  assert.throws(() => splitParagraphs('Hola\n\nmundo\n', 3), (e: unknown) => e instanceof DubarrError && e.code === 'E_PROVIDER_FAILED');
});

test('unknown-word marks are removed unless the source had them', () => {
  assert.equal(stripUnknownMarks('Hola *Zorblax, @foo y #bar', 'Hello Zorblax, foo and bar'), 'Hola Zorblax, foo y bar');
  assert.equal(stripUnknownMarks('El #1 fan de @home', 'The #1 fan of @home'), 'El #1 fan de @home');
  assert.equal(stripUnknownMarks('5 * 3 = 15', '5 * 3 = 15'), '5 * 3 = 15');
});
