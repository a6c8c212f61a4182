import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitClauses } from './speech-clauses.js';

const ends = (text: string) => splitClauses(text).map((c) => `${c.text}|${c.end}${c.sentenceEnd ? '#' : ''}`);

test('clauses end at punctuation followed by a space or the end; the kind of mark is kept', () => {
  assert.deepEqual(ends('Hello, world. How are you? Fine; thanks: great!'), [
    'Hello|,', 'world|.#', 'How are you|?#', 'Fine|;', 'thanks|:', 'great|!#',
  ]);
  assert.deepEqual(ends('  no   punctuation\nat all '), ['no punctuation at all|#']);
  assert.deepEqual(ends('It costs 3.5 euros, a,b or c'), ['It costs 3.5 euros|,', 'a,b or c|#']);
});

test('runs of marks, closing quotes, ellipses and abbreviations', () => {
  assert.deepEqual(ends('Really?! "Yes." Well... maybe… no'), ['Really|?#', '"Yes"|.#', 'Well|…', 'maybe|…', 'no|#']);
  assert.deepEqual(ends('See e.g. this one. Dr. Smith came.'), ['See e.g. this one|.#', 'Dr|.#', 'Smith came|.#']);
  assert.deepEqual(ends('¿Qué tal? «Hola», dijo.'), ['¿Qué tal|?#', '«Hola»|,', 'dijo|.#']);
  assert.deepEqual(ends('Wait — ! Go'), ['Wait|—', 'Go|#'], 'a lone mark is no clause');
  assert.deepEqual(ends('— Hola. — Adiós-adiós'), ['Hola|.#', 'Adiós-adiós|#'], 'a dialogue dash says nothing');
  assert.deepEqual(ends('! ? ...'), [], 'nothing speakable: no clause');
});

test('CJK and Devanagari marks end a clause with no space after them', () => {
  assert.deepEqual(ends('你好。我很好，谢谢！'), ['你好|.#', '我很好|,', '谢谢|!#']);
  assert.deepEqual(ends('नमस्ते। कैसे हो?'), ['नमस्ते|.#', 'कैसे हो|?#']);
});
